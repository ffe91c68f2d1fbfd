// An answer of the API that was not 2xx, in OpenAI's error shape, with the request id to quote in a report.
export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string | null;
  readonly param: string | null;
  readonly requestId: string | null;

  constructor(status: number, body: unknown, requestId: string | null) {
    const error = (body as { error?: { message?: unknown; type?: unknown; code?: unknown; param?: unknown } } | null)?.error;
    super(typeof error?.message === 'string' ? error.message : `The server answered ${status}.`);
    this.name = 'ApiError';
    this.status = status;
    this.type = typeof error?.type === 'string' ? error.type : 'api_error';
    this.code = typeof error?.code === 'string' ? error.code : null;
    this.param = typeof error?.param === 'string' ? error.param : null;
    this.requestId = requestId;
  }
}

/** A network failure or an answer that is not the API's (a proxy's HTML page, say). */
export class NetworkError extends Error {
  constructor(message = 'The server could not be reached. Check your connection and try again.') {
    super(message);
    this.name = 'NetworkError';
  }
}
