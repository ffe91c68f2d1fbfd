// Errors of the pipeline that are not the provider's, and which errors a step's retry budget pays for.
import { ProviderError } from '../provider/provider-errors.ts';

/**
 * A download that ended before its announced length (or empty) without an error: a cut connection. Retried
 * within finalize's budget; the asset is never recorded as stored.
 */
export class IncompleteDownloadError extends Error {
  readonly variant: string;
  readonly receivedBytes: number;
  readonly expectedBytes: number | null;

  constructor(opts: { providerVideoId: string; variant: string; receivedBytes: number; expectedBytes: number | null }) {
    super(`The provider's ${opts.variant} of ${opts.providerVideoId} arrived with ${opts.receivedBytes} of ${opts.expectedBytes ?? 'unknown'} bytes`);
    this.name = 'IncompleteDownloadError';
    this.variant = opts.variant;
    this.receivedBytes = opts.receivedBytes;
    this.expectedBytes = opts.expectedBytes;
  }
}

/**
 * A stored asset that is not what arrived: its byte count or sha256, as storage reports the write or as a read
 * back finds it, differs from the bytes the provider sent. The object is removed and the copy retried within
 * finalize's budget; only a verified object gets an asset row.
 */
export class AssetVerificationError extends Error {
  readonly variant: string;
  readonly storageKey: string;

  constructor(opts: { variant: string; storageKey: string; what: string }) {
    super(`The stored ${opts.variant} at '${opts.storageKey}' does not match what the provider sent: ${opts.what}`);
    this.name = 'AssetVerificationError';
    this.variant = opts.variant;
    this.storageKey = opts.storageKey;
  }
}

/**
 * What a step's budget pays for: any provider error but a 429 (which pauses the whole lane instead), a cut
 * download and a stored copy that failed its check. Anything else (Postgres unreachable, a bug) is retried by the processor a bounded number
 * of times in a row, on no step's budget (INFRASTRUCTURE_ATTEMPTS). Terminal provider errors at submit never get here: submit fails the video at once.
 */
export function isBudgetedFailure(error: unknown): error is ProviderError | IncompleteDownloadError | AssetVerificationError {
  if (error instanceof ProviderError) return !error.isRateLimit;
  return error instanceof IncompleteDownloadError || error instanceof AssetVerificationError;
}

/** A short description for a log line or an event: no stack trace. */
export function describeFailure(error: unknown): { code: string; status: number | null; message: string } {
  if (error instanceof ProviderError) return { code: error.code, status: error.status, message: error.message };
  if (error instanceof IncompleteDownloadError) return { code: 'incomplete_download', status: null, message: error.message };
  if (error instanceof AssetVerificationError) return { code: 'asset_verification_failed', status: null, message: error.message };
  return { code: 'internal_error', status: null, message: error instanceof Error ? error.message : String(error) };
}
