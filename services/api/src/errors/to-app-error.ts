// Every failure becomes an AppError here, once: ours pass through, validation issues name the field,
// framework 4xx keep their status, and anything else becomes a 500 that says nothing about internals.
import type { FastifyError } from 'fastify';
import { hasZodFastifySchemaValidationErrors, type ZodFastifySchemaValidationError } from 'fastify-type-provider-zod';
import {
  AppError, AuthenticationError, InvalidRequestError, NotFoundError, PayloadTooLargeError, PermissionDeniedError,
} from '@sora-studio/shared';
import { HttpError } from './http-error.ts';

class ServerError extends AppError {
  readonly status = 500;
  readonly type = 'server_error';
}

function serverError(): AppError {
  return new ServerError('The server had an error while processing your request. Retry it, or contact us with the request id if it keeps happening.');
}

/** OpenAI names nested parameters with dots (`input_reference.image_url`) and indexes with brackets. */
function paramName(segments: readonly (string | number)[]): string | null {
  if (segments.length === 0) return null;
  return segments.reduce<string>((name, segment) => (
    typeof segment === 'number' ? `${name}[${segment}]` : name === '' ? segment : `${name}.${segment}`
  ), '');
}

function segmentsOf(instancePath: string): string[] {
  return instancePath.split('/').filter((segment) => segment !== '');
}

const BODY_KIND: Record<string, string> = { body: 'request body', querystring: 'query string', params: 'path' };

function validationError(issue: ZodFastifySchemaValidationError, context: string | undefined): InvalidRequestError {
  const message = issue.message ?? 'invalid value';
  const path = segmentsOf(issue.instancePath);
  const unknownKeys = issue.keyword === 'unrecognized_keys' ? (issue.params.keys as string[] | undefined) : undefined;
  if (unknownKeys && unknownKeys.length > 0) {
    const param = paramName([...path, unknownKeys[0]!]);
    return new InvalidRequestError(`Unrecognized request argument supplied: ${param}`, { param, code: 'unknown_parameter' });
  }
  const param = paramName(path);
  if (param === null) {
    const where = BODY_KIND[context ?? 'body'] ?? 'request';
    return new InvalidRequestError(`Invalid ${where}: ${message}`, { code: 'invalid_request' });
  }
  if (issue.keyword === 'invalid_type' && message.endsWith('received undefined')) {
    return new InvalidRequestError(`Missing required parameter: '${param}'.`, { param, code: 'missing_required_parameter' });
  }
  return new InvalidRequestError(`Invalid value for '${param}': ${message}`, { param, code: 'invalid_value' });
}

/** Fastify's and its plugins' own 4xx errors; their messages are fixed strings, safe to show. */
function frameworkError(error: FastifyError, status: number): AppError {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpError(415, 'Unsupported Content-Type. Send application/json or multipart/form-data.', { code: 'unsupported_media_type' });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PayloadTooLargeError('The request body is larger than this server accepts.', { code: 'request_too_large' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new InvalidRequestError('The request body is empty but its Content-Type is application/json.', { code: 'invalid_json' });
    case 'FST_ERR_BAD_URL':
      return new InvalidRequestError('The request URL is malformed.', { code: 'invalid_url' });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new InvalidRequestError('We could not parse the JSON body of your request.', { code: 'invalid_json' });
  }
  if (status === 401) return new AuthenticationError(error.message);
  if (status === 403) return new PermissionDeniedError(error.message);
  if (status === 404) return new NotFoundError(error.message);
  if (status === 413) return new PayloadTooLargeError(error.message);
  // 406 is what the multipart plugin says about a broken form; for the client it is a bad request.
  return new HttpError(status === 406 ? 400 : status, error.message);
}

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = (error as { validationContext?: string }).validationContext;
    return validationError(error.validation[0]!, context);
  }
  const status = (error as Partial<FastifyError> | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return frameworkError(error as FastifyError, status);
  return serverError();
}
