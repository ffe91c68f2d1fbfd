// Every failure becomes an AppError here, once: ours pass through (validation issues among them, made by
// http/validator-compiler.ts), framework 4xx keep their status, and anything else becomes a 500 that says
// nothing about internals.
import type { FastifyError } from 'fastify';
import {
  AppError, AuthenticationError, InvalidRequestError, NotFoundError, PayloadTooLargeError, PermissionDeniedError,
} from '@sora-studio/shared';
import { HttpError } from './http-error.ts';
import { toServiceUnavailable } from './infrastructure-errors.ts';

class ServerError extends AppError {
  readonly status = 500;
  readonly type = 'server_error';
}

function serverError(): AppError {
  return new ServerError('The server had an error while processing your request. Retry it, or contact us with the request id if it keeps happening.');
}

/** Fastify's and its plugins' own 4xx errors; their messages are fixed strings, safe to show. */
function frameworkError(error: FastifyError, status: number): AppError {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpError(415, 'Unsupported Content-Type. Send application/json or multipart/form-data.', { code: 'unsupported_media_type' });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PayloadTooLargeError('The request body is larger than this server accepts.', { code: 'request_too_large' });
    case 'FST_ERR_BAD_URL':
      return new InvalidRequestError('The request URL is malformed.', { code: 'invalid_url' });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      // Its message would echo the whole path.
      return new InvalidRequestError('A path parameter of the URL is too long.', { code: 'invalid_value' });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new InvalidRequestError('We could not parse the JSON body of your request.', { code: 'invalid_json' });
  }
  // Every 4xx carries a code, so a client can branch on it even for a framework error we have not named.
  if (status === 401) return new AuthenticationError(error.message, { code: 'invalid_authentication' });
  if (status === 403) return new PermissionDeniedError(error.message, { code: 'permission_denied' });
  if (status === 404) return new NotFoundError(error.message, { code: 'not_found' });
  if (status === 413) return new PayloadTooLargeError(error.message, { code: 'request_too_large' });
  // 406 is what the multipart plugin says about a broken form; for the client it is a bad request.
  return new HttpError(status === 406 ? 400 : status, error.message, { code: 'invalid_request' });
}

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const status = (error as Partial<FastifyError> | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return frameworkError(error as FastifyError, status);
  return toServiceUnavailable(error) ?? serverError();
}
