// Stripe's Idempotency-Key semantics for requests that create something: the same key and request replay
// the first response; the same key with another request is refused (422); a key whose request is still
// running answers 409. Keys are per user and kept for the configured TTL.
//
// Ordering, so that a crash can neither lose a video nor create two:
//   1. claim: the key is inserted as in_progress in its own short statement, committed at once, so a
//      concurrent request with the same key sees it and gets 409;
//   2. the response is stored by `recordResponse` INSIDE the transaction that inserts the video, so the
//      video and its key's response commit together or not at all;
//   3. any other outcome (400, 404, 409, 429, 5xx before the commit) created nothing, so the claim is
//      deleted and the client may retry with the same key (Stripe keeps no result for those either). A
//      success needs no delete: its claim is completed, and the delete would match nothing.
// A claim left in_progress by a crashed process has no video (step 2 is atomic), so after
// ABANDONED_CLAIM_SECONDS it is taken over; its fence token keeps a still-running holder from completing.
// Expired keys are taken over by the claim of the same key, and swept in bulk by the worker's housekeeping
// (deleteExpiredIdempotencyKeys), not on the request path.
import { ConflictError, UnprocessableError, type Database, type Db } from '@sora-studio/shared';
import type { Transaction } from 'kysely';
import type { RequestFingerprint } from './idempotency.fingerprint.ts';
import { claimKey, completeKeyClaim, deleteUnfinishedClaim, findKey, type KeyScope } from './idempotency.repo.ts';

export const IDEMPOTENCY_HEADER_NAME = 'Idempotency-Key';

/** Far longer than a create takes once its body is read (store the upload, one transaction); IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS. */
const ABANDONED_CLAIM_SECONDS = 300;
/** A claim can lose a race to a release or a takeover between its insert and its read; it then tries again. */
const CLAIM_ATTEMPTS = 3;

export interface IdempotencyClaim {
  /** Stores the response in the caller's transaction, so it commits with what the request created. */
  recordResponse(trx: Transaction<Database>, status: number, body: unknown): Promise<void>;
  /** True once recordResponse succeeded; whether its transaction committed, only the answer's status says. */
  readonly responseRecorded: boolean;
  /** Forgets the claim unless its response was committed, so the client may retry with the same key. */
  release(): Promise<void>;
}

export type IdempotencyOutcome =
  | { kind: 'claimed'; claim: IdempotencyClaim }
  | { kind: 'replay'; status: number; body: unknown };

function keyInUse(key: string): ConflictError {
  return new ConflictError(
    `There is another request in progress with the ${IDEMPOTENCY_HEADER_NAME} '${key}'. Retry this request later.`,
    { param: IDEMPOTENCY_HEADER_NAME, code: 'idempotency_key_in_use' },
  );
}

function keyReused(key: string): UnprocessableError {
  return new UnprocessableError(
    `The ${IDEMPOTENCY_HEADER_NAME} '${key}' was used with other request parameters. Use a new key for a different request.`,
    { param: IDEMPOTENCY_HEADER_NAME, code: 'idempotency_key_reused' },
  );
}

export function createIdempotencyService(deps: { db: Db; ttlSeconds: number; claimTimeoutSeconds?: number }) {
  const abandonedAfterSeconds = deps.claimTimeoutSeconds ?? ABANDONED_CLAIM_SECONDS;
  function claimOf(scope: KeyScope, fenceToken: string): IdempotencyClaim {
    let responseRecorded = false;
    return {
      async recordResponse(trx, status, body) {
        // False only when this claim was abandoned and taken over: roll back rather than create a second video.
        if (!(await completeKeyClaim(trx, scope, fenceToken, { status, body }))) throw keyInUse(scope.key);
        responseRecorded = true;
      },
      get responseRecorded() { return responseRecorded; },
      release: () => deleteUnfinishedClaim(deps.db, scope, fenceToken),
    };
  }

  return {
    /** Claims the key for this request, or answers how an earlier request with the key ended. */
    async begin(scope: KeyScope, request: RequestFingerprint): Promise<IdempotencyOutcome> {
      for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt += 1) {
        const fenceToken = await claimKey(deps.db, scope, request, { ttlSeconds: deps.ttlSeconds, abandonedAfterSeconds });
        if (fenceToken !== undefined) return { kind: 'claimed', claim: claimOf(scope, fenceToken) };
        const existing = await findKey(deps.db, scope);
        if (!existing) continue;
        if (existing.requestHash !== request.hash) throw keyReused(scope.key);
        if (existing.state === 'in_progress') throw keyInUse(scope.key);
        return { kind: 'replay', status: existing.responseStatus!, body: existing.responseBody };
      }
      throw keyInUse(scope.key);
    },
  };
}

export type IdempotencyService = ReturnType<typeof createIdempotencyService>;
