// The owner's status read (GET /v1/videos/{id}) from the Redis cache of packages/shared/src/videos/video-cache.ts,
// falling back to Postgres. The entry is keyed by the video id alone, so it carries the owner and whether the
// video is deleted, and another user's video or a deleted one answers not found exactly as findOwnedVideo does.
// A miss reads the row by id and stores it only if the generation seen before the read is unchanged (see
// video-cache.ts for why). While Redis is down or slow, reads go to Postgres and nothing is stored.
// The entry is the answer's own bytes (the object as the route's serializer would write it), after the owner and
// a deleted flag: `<user id> <0|1> <JSON>`, so a hit is sent as it is, with no parse, validation or stringify
// (which, with the row lookup, were most of what a read cost once auth was cached; profiled, issue 10).
import type { Redis } from 'ioredis';
import { z } from 'zod';
import {
  createVideoCacheInvalidator, findVideo, runScript, VIDEO_CACHE_TTL_MS, videoCacheKey, VideoObjectSchema, type Db, type Logger, type Video,
  type VideoCacheInvalidator,
} from '@sora-studio/shared';
import { withDeadline } from '../deadline.ts';
import { toVideoObject } from './video.mapper.ts';

interface CachedVideo {
  userId: string;
  deleted: boolean;
  /** The public video object, serialized. */
  json: string;
}

/** What the route's zod serializer writes for the row: the same encode, the same stringify. */
export function videoObjectJson(row: Video): string {
  return JSON.stringify(z.encode(VideoObjectSchema, toVideoObject(row)));
}

export function cacheEntryOf(entry: CachedVideo): string {
  return `${entry.userId} ${entry.deleted ? 1 : 0} ${entry.json}`;
}

function parseCacheEntry(stored: string): CachedVideo {
  const afterOwner = stored.indexOf(' ');
  return { userId: stored.slice(0, afterOwner), deleted: stored[afterOwner + 1] === '1', json: stored.slice(afterOwner + 3) };
}

// KEYS[1] the video's hash; ARGV[1] the gen read before Postgres ('' for none), ARGV[2] the entry, ARGV[3] the TTL.
const STORE_IF_UNCHANGED = `
if (redis.call('HGET', KEYS[1], 'gen') or '') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'obj', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

/** The reader's compare-and-set: true when stored, false when a write invalidated the video since `gen` was read. */
export async function storeIfUnchanged(redis: Redis, key: string, gen: string | null, entry: string): Promise<boolean> {
  return (await runScript(redis, STORE_IF_UNCHANGED, [key], [gen ?? '', entry, VIDEO_CACHE_TTL_MS])) === 1;
}

/** As the rate limit's: a cache that does not answer quickly is skipped, not waited for. */
const REDIS_TIMEOUT_MS = 500;

/** What Redis holds for a video, [gen, entry], or null when Redis could not be asked; never rejects. */
export type VideoCacheLookup = Promise<[string | null, string | null] | null>;

export interface VideoStatusCache extends VideoCacheInvalidator {
  /** Starts the cache read for a video; the answer is only ever used through readOwnedJson. */
  lookup(videoId: string): VideoCacheLookup;
  /**
   * The caller's own, undeleted video as the JSON of its public object, or undefined. `started`: the
   * lookup of this video begun earlier in the request (video-status-prefetch.ts).
   */
  readOwnedJson(userId: string, videoId: string, started?: VideoCacheLookup | null): Promise<string | undefined>;
}

export function createVideoStatusCache(deps: { db: Db; redis: Redis; prefix: string; logger: Logger }): VideoStatusCache {
  const { redis, prefix } = deps;
  const invalidator = createVideoCacheInvalidator(redis, prefix, deps.logger);
  const ownedBy = (entry: CachedVideo, userId: string) => (entry.userId === userId && !entry.deleted ? entry.json : undefined);

  async function fromPostgres(videoId: string): Promise<CachedVideo | undefined> {
    const row = await findVideo(deps.db, videoId);
    return row && { userId: row.userId, deleted: row.deletedAt !== null, json: videoObjectJson(row) };
  }

  async function cached(key: string): VideoCacheLookup {
    // A disconnected client would refuse or queue the command; go to Postgres at once instead.
    if (redis.status !== 'ready') return null;
    try {
      return await withDeadline(redis.hmget(key, 'gen', 'obj'), REDIS_TIMEOUT_MS, 'redis') as [string | null, string | null];
    } catch (error) {
      deps.logger.warn({ err: error }, 'video cache not read: Redis did not answer');
      return null;
    }
  }

  return {
    invalidate: invalidator.invalidate,

    lookup: (videoId) => cached(videoCacheKey(prefix, videoId)),

    async readOwnedJson(userId, videoId, started) {
      const key = videoCacheKey(prefix, videoId);
      const hit = await (started ?? cached(key));
      if (hit?.[1]) return ownedBy(parseCacheEntry(hit[1]), userId);
      const entry = await fromPostgres(videoId);
      if (!entry) return undefined;
      if (hit) {
        // Not awaited: the answer does not depend on it, and a lost store only costs the next read a miss.
        storeIfUnchanged(redis, key, hit[0], cacheEntryOf(entry))
          .catch((error: unknown) => deps.logger.warn({ err: error }, 'video cache not filled'));
      }
      return ownedBy(entry, userId);
    },
  };
}
