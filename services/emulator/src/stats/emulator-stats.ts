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
  /**
   * Provider calls per video, over the videos created: create and remix requests per Idempotency-Key (our worker
   * sends the video id, so this is creates per video; replays included), and retrieves (polls) per video id.
   */
  perVideo: { createRequests: CallCount; retrieves: CallCount };
  /** Provider webhooks: events raised (one per video that ended), attempts made, delivered (2xx) and given up. */
  webhooks: { events: number; attempts: number; delivered: number; abandoned: number };
}

/** Calls per video: the most any one video got, and the mean over the videos created (a video never called counts 0). */
export interface CallCount {
  max: number;
  mean: number;
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
  readonly #createRequestsByKey = new BoundedMap<string, number>(KEYS_REMEMBERED);
  readonly #retrievesByVideo = new BoundedMap<string, number>(KEYS_REMEMBERED);
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

  /** A create or remix request arrived under this key, whatever it then did. */
  recordCreateRequest(idempotencyKey: string | undefined): void {
    this.createRequests += 1;
    if (idempotencyKey !== undefined) bump(this.#createRequestsByKey, idempotencyKey);
  }

  /** A retrieve of this video (one that exists) was answered. */
  recordRetrieve(videoId: string): void {
    bump(this.#retrievesByVideo, videoId);
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
      perVideo: { createRequests: this.#perVideo(this.#createRequestsByKey), retrieves: this.#perVideo(this.#retrievesByVideo) },
      webhooks: { ...this.webhooks },
    };
  }

  #perVideo(counts: Map<string, number>): CallCount {
    let max = 0;
    let total = 0;
    for (const count of counts.values()) {
      max = Math.max(max, count);
      total += count;
    }
    return { max, mean: this.videosCreated === 0 ? 0 : total / this.videosCreated };
  }
}

function bump(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
