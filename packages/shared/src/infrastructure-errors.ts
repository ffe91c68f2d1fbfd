// Which failures are Postgres or Redis being unavailable, rather than a bug or a bad request: recognised here,
// once, by the drivers' codes and fixed messages. The API answers them with a 503 and Retry-After; a worker
// should wait them out without spending the provider's retry budget on them.

/** Socket-level failures, as Node reports them for pg and ioredis alike. */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED',
]);

/**
 * SQLSTATEs of a Postgres that cannot serve now: class 08 (connection exception), 53 (insufficient resources:
 * too many connections, disk full, out of memory), 57P01–57P05 (shut down, crashed, starting up, idle
 * session timeout) and 57014 (a statement_timeout cancelled the query).
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || code.startsWith('53') || /^57P0[1-5]$/.test(code) || code === '57014';
}

/** pg and pg-pool raise these without a code. */
const POSTGRES_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
];

/** ioredis' own: offline queue disabled while disconnected, retries used up, no reply in time. */
const REDIS_MESSAGES = ["Stream isn't writeable", 'Connection is closed', 'Command timed out', 'Reached the max retries per request limit'];

/** Which part failed, when the error says; a refused socket does not say whose it was. */
export type InfrastructureFailure = 'database' | 'queue' | 'backend';

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  name?: unknown;
  errors?: unknown;
  cause?: unknown;
}

/** The unavailable dependency behind `error` (its causes and aggregated errors included), or null. */
export function infrastructureFailureOf(error: unknown, depth = 0): InfrastructureFailure | null {
  if (typeof error !== 'object' || error === null || depth > 5) return null;
  const { code, message, name, errors, cause } = error as ErrorLike;
  const text = typeof message === 'string' ? message : '';
  if (name === 'MaxRetriesPerRequestError' || REDIS_MESSAGES.some((fragment) => text.includes(fragment))) return 'queue';
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return 'backend';
  if (typeof code === 'string' && isUnavailableSqlState(code)) return 'database';
  if (POSTGRES_MESSAGES.some((fragment) => text.includes(fragment))) return 'database';
  // Node reports a refused connection to several addresses as an AggregateError of the individual ones.
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const found = infrastructureFailureOf(inner, depth + 1);
      if (found) return found;
    }
  }
  return infrastructureFailureOf(cause, depth + 1);
}
