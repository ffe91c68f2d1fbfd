// Postgres or Redis failing is not the request's fault nor a bug: the client should come back shortly. Such
// failures (recognised once, in packages/shared) become one 503 with Retry-After; everything else stays a 500.
import { infrastructureFailureOf, ServiceUnavailableError, type InfrastructureFailure } from '@sora-studio/shared';

/** Long enough for a restarting server, short enough that a client's retry lands soon after it is back. */
export const RETRY_AFTER_SECONDS = 2;

const MESSAGES: Record<InfrastructureFailure, string> = {
  database: 'The service is temporarily unavailable: its database did not answer. Retry the request in a few seconds.',
  queue: 'The service is temporarily unavailable: its job queue did not answer. Retry the request in a few seconds.',
  backend: 'The service is temporarily unavailable: a server it depends on did not answer. Retry the request in a few seconds.',
};

/** A 503 for a failure of Postgres or Redis, or null when the error is something else. */
export function toServiceUnavailable(error: unknown): ServiceUnavailableError | null {
  const failure = infrastructureFailureOf(error);
  if (!failure) return null;
  return new ServiceUnavailableError(MESSAGES[failure], {
    code: failure === 'backend' ? 'service_unavailable' : `${failure}_unavailable`,
    headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
  });
}
