import { AppError } from '@sora-studio/shared';

/**
 * A client error whose status the shared hierarchy has no class for (415, 416, a framework's 4xx).
 * The body keeps OpenAI's shape and type `invalid_request_error`.
 */
export class HttpError extends AppError {
  readonly status: number;
  readonly type = 'invalid_request_error';

  constructor(status: number, message: string, opts: { code?: string | null; param?: string | null; headers?: Record<string, string> } = {}) {
    super(message, opts);
    this.status = status;
  }
}
