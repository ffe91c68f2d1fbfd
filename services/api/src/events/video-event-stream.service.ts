// One caller's live video status. The order that leaves no gap and no duplicate:
// 1. subscribe to the caller's channel (confirmed by Redis) and hold what arrives;
// 2. read the relay's cursor C: every event up to C is final and published, everything after comes later;
// 3. with a Last-Event-ID L: replay the caller's events in (L, C] from Postgres, at most `replayLimit` of
//    them (a client further behind gets a snapshot instead); without one: a snapshot of the caller's
//    unfinished videos, under id C;
// 4. forward what the channel holds and brings, skipping ids up to C (the replay or snapshot had them).
// A client that does not keep up is disconnected once `maxQueued` messages wait for it; it resumes with
// Last-Event-ID, so memory stays bounded and nothing is lost.
import type { Redis } from 'ioredis';
import {
  findUnfinishedVideosOf, latestVideoEventId, readVideoStreamSources, VIDEO_STREAM_EVENT_OF, videoEventRelayCursorKey, videoStreamMessage,
  videoStreamObject, type Db, type VideoEventType, type VideoStreamMessage, type VideoStreamSnapshot,
} from '@sora-studio/shared';
import type { CallerContext } from '../caller-context.ts';
import type { VideoEventFanout } from './video-event-fanout.ts';

export interface VideoEventStreamOptions {
  /** A comment line this often keeps proxies and browsers from dropping an idle stream. */
  heartbeatMs: number;
  /** The `retry:` hint: how long a client waits before it reconnects. */
  retryMs: number;
  /** Events replayed after a Last-Event-ID at most; further behind, the stream starts with a snapshot. */
  replayLimit: number;
  /** Unfinished videos in a snapshot at most (newest first). */
  snapshotLimit: number;
  /** Live messages waiting for one slow client at most before it is disconnected. */
  maxQueued: number;
}

export const VIDEO_EVENT_STREAM_DEFAULTS: VideoEventStreamOptions = {
  heartbeatMs: 15_000,
  retryMs: 3_000,
  replayLimit: 1_000,
  snapshotLimit: 200,
  maxQueued: 1_000,
};

/** What the route writes: one SSE message. */
export interface VideoEventFrame {
  id: string;
  event: string;
  data: unknown;
}

export type StreamEndReason = 'client_gone' | 'slow_client' | 'subscriber_lost' | 'server_closing' | 'session_ended';

export interface VideoEventStream {
  frames: AsyncIterable<VideoEventFrame>;
  end(reason: StreamEndReason): void;
}

export interface VideoEventStreamService {
  open(ctx: CallerContext, lastEventId: number | null): Promise<VideoEventStream>;
  /** Ends every open stream (server shutdown); each client reconnects elsewhere with its Last-Event-ID. */
  endAll(reason: StreamEndReason): void;
  /** Ends one user's streams (a sign-out, a disabled user). */
  endFor(userId: string, reason: StreamEndReason): void;
  readonly openStreams: number;
}

const STREAM_EVENT_TYPES = Object.keys(VIDEO_STREAM_EVENT_OF) as VideoEventType[];

export function createVideoEventStreamService(deps: {
  db: Db;
  redis: Redis;
  prefix: string;
  fanout: VideoEventFanout;
  options: VideoEventStreamOptions;
}): VideoEventStreamService {
  const { db, options } = deps;
  const open = new Map<LiveQueue, string>();

  async function relayCursor(): Promise<number> {
    const stored = await deps.redis.get(videoEventRelayCursorKey(deps.prefix));
    const lastId = stored === null ? null : (JSON.parse(stored) as { lastId?: unknown }).lastId;
    // No relay has run yet (or Redis lost its keys): what is in Postgres is all there is to replay.
    return typeof lastId === 'number' ? lastId : latestVideoEventId(db);
  }

  async function snapshot(userId: string, cursor: number): Promise<VideoEventFrame> {
    const videos = await findUnfinishedVideosOf(db, userId, options.snapshotLimit);
    const data: VideoStreamSnapshot = { object: 'list', data: videos.map((v) => videoStreamObject(v)) };
    return { id: String(cursor), event: 'snapshot', data };
  }

  async function initialFrames(userId: string, lastEventId: number | null, cursor: number): Promise<VideoEventFrame[]> {
    if (lastEventId === null) return [await snapshot(userId, cursor)];
    const missed = await readVideoStreamSources(db, { afterId: lastEventId, upToId: cursor, userId, types: STREAM_EVENT_TYPES, limit: options.replayLimit + 1 });
    if (missed.length > options.replayLimit) return [await snapshot(userId, cursor)];
    return missed.flatMap((source) => {
      const message = videoStreamMessage(source);
      return message ? [frameOf(message)] : [];
    });
  }

  return {
    async open(ctx, lastEventId) {
      const queue = new LiveQueue(options.maxQueued);
      const release = await deps.fanout.subscribe(ctx.userId, {
        message: (message) => { if (message.user_id === ctx.userId) queue.push(message); },
        lost: () => queue.end('subscriber_lost'),
      });
      try {
        const cursor = await relayCursor();
        const initial = await initialFrames(ctx.userId, lastEventId, cursor);
        queue.floor = Math.max(cursor, lastEventId ?? 0);
        open.set(queue, ctx.userId);
        queue.onEnd = (reason) => {
          open.delete(queue);
          release();
          if (reason === 'slow_client') ctx.log.warn({ maxQueued: options.maxQueued }, 'event stream client too slow; disconnected (it resumes with Last-Event-ID)');
        };
        return { frames: queue.frames(initial), end: (reason) => queue.end(reason) };
      } catch (error) {
        release();
        throw error;
      }
    },
    endAll(reason) {
      for (const queue of [...open.keys()]) queue.end(reason);
    },
    endFor(userId, reason) {
      for (const [queue, owner] of [...open]) if (owner === userId) queue.end(reason);
    },
    get openStreams() {
      return open.size;
    },
  };
}

function frameOf(message: VideoStreamMessage): VideoEventFrame {
  return { id: String(message.id), event: message.event, data: message.data };
}

/** The live messages of one stream, bounded, handed to the writer as it asks for them. */
class LiveQueue {
  /** Ids up to here were in the replay or the snapshot. */
  floor = Number.POSITIVE_INFINITY;
  onEnd: ((reason: StreamEndReason) => void) | undefined;
  private readonly items: VideoStreamMessage[] = [];
  private ended: StreamEndReason | null = null;
  private wake: (() => void) | undefined;
  private readonly max: number;

  constructor(max: number) {
    this.max = max;
  }

  push(message: VideoStreamMessage): void {
    if (this.ended) return;
    if (this.items.length >= this.max) {
      this.end('slow_client');
      return;
    }
    this.items.push(message);
    this.wake?.();
  }

  end(reason: StreamEndReason): void {
    if (this.ended) return;
    this.ended = reason;
    this.items.length = 0;
    this.wake?.();
    this.onEnd?.(reason);
  }

  async *frames(initial: readonly VideoEventFrame[]): AsyncGenerator<VideoEventFrame> {
    try {
      for (const frame of initial) {
        if (this.ended) return;
        yield frame;
      }
      let lastSent = this.floor;
      while (!this.ended) {
        const next = this.items.shift();
        if (next) {
          if (next.id <= lastSent) continue;
          lastSent = next.id;
          yield frameOf(next);
          continue;
        }
        await new Promise<void>((resolve) => { this.wake = resolve; });
        this.wake = undefined;
      }
    } finally {
      this.end('client_gone');
    }
  }
}
