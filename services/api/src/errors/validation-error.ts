// A schema's first complaint about a request part, as the 400 that names the field. Built from zod's own
// issue, whose path keeps numbers for array indexes, so `budgets[0].model` is named like every other error.
import type { core } from 'zod';
import { InvalidRequestError } from '@sora-studio/shared';
import { paramName } from './param-name.ts';

const PART_NAMES: Record<string, string> = { body: 'request body', querystring: 'query string', params: 'path', headers: 'headers' };

/** `request body`, `query string`…: what an error names when no field can be named. */
export function partName(httpPart: string | undefined): string {
  return PART_NAMES[httpPart ?? 'body'] ?? 'request';
}

/** A key may be as long as the body: named in full only when it could be a real parameter. */
const MAX_NAMED_KEY_CHARS = 64;

function pathOf(issue: core.$ZodIssue): (string | number)[] {
  return issue.path.filter((segment): segment is string | number => typeof segment !== 'symbol');
}

export function validationError(issue: core.$ZodIssue, httpPart: string | undefined): InvalidRequestError {
  const message = issue.message;
  const path = pathOf(issue);
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) {
    const key = issue.keys[0]!.length > MAX_NAMED_KEY_CHARS ? `${issue.keys[0]!.slice(0, MAX_NAMED_KEY_CHARS)}…` : issue.keys[0]!;
    const param = paramName([...path, key]);
    return new InvalidRequestError(`Unrecognized request argument supplied: ${param}`, { param, code: 'unknown_parameter' });
  }
  const param = paramName(path);
  // An empty JSON body is no body (json-body.ts); Fastify hands the schema null for it.
  if (param === null && httpPart === 'body' && issue.code === 'invalid_type' && message.endsWith('received null')) {
    return new InvalidRequestError('This endpoint needs a JSON object (or a form) as its request body, and none was sent.', { code: 'missing_body' });
  }
  if (param === null) {
    return new InvalidRequestError(`Invalid ${partName(httpPart)}: ${message}`, { code: 'invalid_request' });
  }
  if (issue.code === 'invalid_type' && message.endsWith('received undefined')) {
    return new InvalidRequestError(`Missing required parameter: '${param}'.`, { param, code: 'missing_required_parameter' });
  }
  return new InvalidRequestError(`Invalid value for '${param}': ${message}`, { param, code: 'invalid_value' });
}
