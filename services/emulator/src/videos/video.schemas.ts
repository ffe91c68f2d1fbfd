// OpenAI's own request contract: the shared schemas without the fields Sora Studio adds (metadata, list filters),
// so the emulator rejects what OpenAI would. A failed parse becomes a 400 naming the parameter, in OpenAI's words.
import {
  ContentQuerySchema,
  CreateVideoBodySchema,
  InvalidRequestError,
  ListVideosQuerySchema,
  RemixVideoBodySchema,
} from '@sora-studio/shared';
import type { z } from 'zod';

export const CreateBodySchema = CreateVideoBodySchema.omit({ metadata: true });
export const RemixBodySchema = RemixVideoBodySchema.omit({ metadata: true });
export const ListQuerySchema = ListVideosQuerySchema.pick({ after: true, limit: true, order: true });
export { ContentQuerySchema };

export function parseRequest<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  throw issue ? toInvalidRequest(issue, input) : new InvalidRequestError('Invalid request.');
}

function toInvalidRequest(issue: z.core.$ZodIssue, input: unknown): InvalidRequestError {
  if (issue.code === 'unrecognized_keys') {
    const param = [...issue.path, issue.keys[0]].join('.');
    return new InvalidRequestError(`Unrecognized request argument supplied: ${issue.keys.join(', ')}`, { param, code: 'unknown_parameter' });
  }
  const param = issue.path.join('.');
  if (param === '') return new InvalidRequestError(`Invalid request body: ${issue.message}.`, { code: 'invalid_request_body' });
  if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) {
    return new InvalidRequestError(`Missing required parameter: '${param}'.`, { param, code: 'missing_required_parameter' });
  }
  return new InvalidRequestError(`Invalid '${param}': ${issue.message}.`, { param, code: 'invalid_value' });
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
