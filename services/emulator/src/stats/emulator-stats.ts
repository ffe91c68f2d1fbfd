// Counters tests read through GET /_emulator/stats, e.g. to prove the worker created each video exactly once.
import { BoundedMap } from '../memory/bounded-map.ts';

/** Keys remembered for the per-video counts; far more than any test or bench run creates. */
const KEYS_REMEMBERED = 1_000_000;

export interface EmulatorStatsSnapshot {
  /** Videos that now exist because of a create or remix (idempotent replays and failed attempts excluded). */
  videosCreated: number;
  /** Create and remix requests received, whatever their outcome. */
  createRequests: number;
  /** Requests to the /v1 API. */
  requests: number;
  /**
   * Per video, as the caller names it with its Idempotency-Key (our worker sends the video id): how many keys
   * created a video, how many created more than one (a duplicate at the provider), and how many videos were
   * created without a key at all.
   */
  creates: { idempotencyKeys: number; keysCreatedMoreThanOnce: number; withoutIdempotencyKey: number };
  /** /v1 requests by operation, whatever their outcome. */
  operations: Record<VideoOperation, number>;
  /** Retrieves of a video that had not ended yet: the polls a provider webhook makes unnecessary. */
  retrievesBeforeEnd: number;
  /** Provider webhooks: events raised (one per video that ended), attempts made, delivered (2xx) and given up. */
  webhooks: { events: number; attempts: number; delivered: number; abandoned: number };
}

export const VIDEO_OPERATIONS = ['create', 'remix', 'retrieve', 'list', 'delete', 'content'] as const;
export type VideoOperation = (typeof VIDEO_OPERATIONS)[number];

export class EmulatorStats {
  videosCreated = 0;
  createRequests = 0;
  requests = 0;
  retrievesBeforeEnd = 0;
  readonly operations = Object.fromEntries(VIDEO_OPERATIONS.map((operation) => [operation, 0])) as Record<VideoOperation, number>;
  readonly webhooks = { events: 0, attempts: 0, delivered: 0, abandoned: 0 };
  readonly #createsByKey = new BoundedMap<string, number>(KEYS_REMEMBERED);
  #keysCreatedMoreThanOnce = 0;
  #withoutIdempotencyKey = 0;

  /** A video was created (not replayed) under this key. */
  recordCreate(idempotencyKey: string | undefined): void {
    this.videosCreated += 1;
    if (idempotencyKey === undefined) {
      this.#withoutIdempotencyKey += 1;
      return;
    }
    const creates = (this.#createsByKey.get(idempotencyKey) ?? 0) + 1;
    this.#createsByKey.set(idempotencyKey, creates);
    if (creates === 2) this.#keysCreatedMoreThanOnce += 1;
  }

  snapshot(): EmulatorStatsSnapshot {
    return {
      videosCreated: this.videosCreated,
      createRequests: this.createRequests,
      requests: this.requests,
      creates: {
        idempotencyKeys: this.#createsByKey.size,
        keysCreatedMoreThanOnce: this.#keysCreatedMoreThanOnce,
        withoutIdempotencyKey: this.#withoutIdempotencyKey,
      },
      operations: { ...this.operations },
      retrievesBeforeEnd: this.retrievesBeforeEnd,
      webhooks: { ...this.webhooks },
    };
  }
}
