// The one error hierarchy. Every failure a client may see is an AppError; the API maps it to HTTP once,
// in OpenAI's shape. Anything else is a bug and becomes a 500 without internals.

export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'conflict_error'
  | 'rate_limit_error'
  | 'insufficient_quota'
  | 'server_error'
  | 'service_unavailable';

export interface ErrorBody {
  error: { message: string; type: ErrorType; param: string | null; code: string | null };
}

export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly type: ErrorType;
  readonly code: string | null;
  readonly param: string | null;
  /** Extra response headers, such as Retry-After. */
  readonly headers: Record<string, string>;

  constructor(message: string, opts: { code?: string | null; param?: string | null; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = new.target.name;
    this.code = opts.code ?? null;
    this.param = opts.param ?? null;
    this.headers = opts.headers ?? {};
  }

  toBody(): ErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export class InvalidRequestError extends AppError {
  readonly status = 400;
  readonly type = 'invalid_request_error';
}

export class AuthenticationError extends AppError {
  readonly status = 401;
  readonly type = 'authentication_error';
}

export class PermissionDeniedError extends AppError {
  readonly status = 403;
  readonly type = 'permission_error';
}

export class NotFoundError extends AppError {
  readonly status = 404;
  readonly type = 'not_found_error';
}

export class ConflictError extends AppError {
  readonly status = 409;
  readonly type = 'conflict_error';
}

export class UnprocessableError extends AppError {
  readonly status = 422;
  readonly type = 'invalid_request_error';
}

export class RateLimitError extends AppError {
  readonly status = 429;
  readonly type = 'rate_limit_error';
}

export class InsufficientQuotaError extends AppError {
  readonly status = 429;
  readonly type = 'insufficient_quota';
}

export class PayloadTooLargeError extends AppError {
  readonly status = 413;
  readonly type = 'invalid_request_error';
}

export class ServiceUnavailableError extends AppError {
  readonly status = 503;
  readonly type = 'service_unavailable';
}

/** `param` names the path parameter that held the id, as the 409s of the same routes do (`video_id`). */
export function notFound(what: string, id: string, param = `${what}_id`): NotFoundError {
  return new NotFoundError(`No ${what} found with id '${id}'.`, { code: `${what}_not_found`, param });
}
