// The emulator's memory of videos: kept in creation order, bounded (the oldest are forgotten first, as OpenAI
// expires them), with the Idempotency-Key each was created under.
import { randomBytes } from 'node:crypto';
import type { ResolvedDirectives } from '../faults/fault-directives.ts';
import { BoundedMap } from '../memory/bounded-map.ts';

export interface VideoRecord {
  id: string;
  model: string;
  size: string;
  seconds: string;
  prompt: string;
  remixedFromVideoId: string | null;
  createdAtMs: number;
  /** Directives in force at creation; they script the video's lifecycle and the latency of answers about it. */
  directives: ResolvedDirectives;
}

export interface VideoPage {
  videos: VideoRecord[];
  hasMore: boolean;
}

export class VideoStore {
  readonly #capacity: number;
  readonly #byId = new Map<string, VideoRecord>();
  /** Ascending by id, which is ascending by creation (see newId). */
  readonly #ordered: VideoRecord[] = [];
  readonly #idByIdempotencyKey: BoundedMap<string, string>;
  #lastIdMs = 0;
  #sequence = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
    this.#idByIdempotencyKey = new BoundedMap(capacity);
  }

  /**
   * `video_` + 48 hex digits like OpenAI's: 12 of milliseconds, 6 of a sequence within the millisecond and 30
   * random, so ids sort in creation order and a list cursor is just an id, even one deleted since.
   */
  newId(nowMs: number): string {
    if (nowMs > this.#lastIdMs) {
      this.#lastIdMs = nowMs;
      this.#sequence = 0;
    } else {
      this.#sequence += 1;
    }
    const time = this.#lastIdMs.toString(16).padStart(12, '0');
    const sequence = this.#sequence.toString(16).padStart(6, '0');
    return `video_${time}${sequence}${randomBytes(15).toString('hex')}`;
  }

  add(record: VideoRecord, idempotencyKey: string | undefined): void {
    this.#byId.set(record.id, record);
    this.#ordered.push(record);
    if (idempotencyKey !== undefined) this.#idByIdempotencyKey.set(idempotencyKey, record.id);
    while (this.#ordered.length > this.#capacity) {
      const oldest = this.#ordered.shift();
      if (oldest) this.#byId.delete(oldest.id);
    }
  }

  get(id: string): VideoRecord | undefined {
    return this.#byId.get(id);
  }

  findByIdempotencyKey(key: string): VideoRecord | undefined {
    const id = this.#idByIdempotencyKey.get(key);
    return id === undefined ? undefined : this.#byId.get(id);
  }

  delete(id: string): boolean {
    if (!this.#byId.delete(id)) return false;
    this.#ordered.splice(this.#firstIndexAtOrAfter(id), 1);
    return true;
  }

  /** Cursor paging: the videos strictly after `after` in the given order. */
  page(query: { after?: string | undefined; limit: number; order: 'asc' | 'desc' }): VideoPage {
    const { after, limit, order } = query;
    if (order === 'asc') {
      const start = after === undefined ? 0 : this.#firstIndexAtOrAfter(after, true);
      return { videos: this.#ordered.slice(start, start + limit), hasMore: start + limit < this.#ordered.length };
    }
    const end = after === undefined ? this.#ordered.length : this.#firstIndexAtOrAfter(after);
    const start = Math.max(0, end - limit);
    return { videos: this.#ordered.slice(start, end).reverse(), hasMore: start > 0 };
  }

  /** Binary search: the first index whose id is ≥ `id` (or > `id` when `strictly`). */
  #firstIndexAtOrAfter(id: string, strictly = false): number {
    let low = 0;
    let high = this.#ordered.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const candidate = this.#ordered[middle]?.id ?? '';
      if (candidate < id || (strictly && candidate === id)) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
