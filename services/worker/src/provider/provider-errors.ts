// Every error from the provider is classified here, once: retryable (the step tries again within its retry
// budget; a 429 pauses the whole provider lane for its Retry-After) or terminal (a submit fails the video with
// the provider's own code and message; a poll or finalize counts it against its budget, since the provider
// has the video and may bill it).
import { APIConnectionError, APIError } from 'openai';

export type ProviderErrorKind = 'retryable' | 'terminal';

export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  /** HTTP status of the provider's answer; null when there was no answer (network, timeout). */
  readonly status: number | null;
  /** The provider's error code, or one of ours naming what went wrong when it gave none. */
  readonly code: string;
  /** How long the provider asked us to wait (429), in milliseconds. */
  readonly retryAfterMs: number | null;

  constructor(kind: ProviderErrorKind, opts: { status: number | null; code: string; message: string; retryAfterMs?: number | null; cause?: unknown }) {
    super(opts.message, { cause: opts.cause });
    this.name = 'ProviderError';
    this.kind = kind;
    this.status = opts.status;
    this.code = opts.code;
    this.retryAfterMs = opts.retryAfterMs ?? null;
  }

  get isRateLimit(): boolean {
    return this.status === 429;
  }
}

const RETRYABLE_STATUSES = new Set([408, 409, 429]);

function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status) || status >= 500;
}

export function classifyProviderError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  // A connection error (timeouts included) is an APIError without a status, so it is checked first.
  if (error instanceof APIConnectionError) {
    return new ProviderError('retryable', { status: null, code: 'provider_unreachable', message: error.message, cause: error });
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const body = error.error as { message?: unknown } | undefined;
    const message = typeof body?.message === 'string' ? body.message : error.message;
    return new ProviderError(isRetryableStatus(error.status) ? 'retryable' : 'terminal', {
      status: error.status,
      code: error.code ?? error.type ?? `provider_http_${error.status}`,
      message,
      retryAfterMs: error.status === 429 ? retryAfterMs(error.headers) : null,
      cause: error,
    });
  }
  // Anything else (an aborted request, a bug in the adapter) may have reached the provider: try again.
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError('retryable', { status: null, code: 'provider_error', message, cause: error });
}

/** `retry-after-ms` first, then `retry-after` in seconds or as an HTTP date, as OpenAI's SDK reads them. */
export function retryAfterMs(headers: Headers | undefined, now: number = Date.now()): number | null {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return Math.ceil(ms);
  const value = headers?.get('retry-after');
  if (!value) return null;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
