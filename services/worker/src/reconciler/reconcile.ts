// The reconciler rebuilds the queue from Postgres: an unfinished video whose job is missing (Redis was down
// at create, or the keys were lost) or already finished while the row is not gets its job back. Each run
// looks at the newest quiet unfinished videos and at the next page of a rolling sweep over all of them by
// id (its cursor in Redis, wrapping to the start), so over successive runs every unfinished video is looked
// at, however many wait; the Redis work of a run is bounded by the two batch sizes.
import {
  enqueueAdvanceVideo, type Config, type Db, type Logger, type VideoQueues,
} from '@sora-studio/shared';
import type { Redis } from 'ioredis';
import { findJobPresence } from './job-presence.ts';
import { findNewestQuietVideos, findQuietVideosAfter, type ReconcileCandidate } from './unfinished-video.repo.ts';

export interface ReconcileDeps {
  db: Db;
  /** A connection to the queue's Redis, for the job lookups and the sweep's cursor. */
  redis: Redis;
  queues: Pick<VideoQueues, 'pipeline'>;
  config: Config;
  logger: Logger;
  clock: () => Date;
}

export interface ReconcileRun {
  /** Videos whose job was looked up. */
  checked: number;
  requeued: string[];
  /** The sweep reached the last unfinished video; the next run starts again from the first. */
  sweepWrapped: boolean;
}

function sweepCursorKey(config: Pick<Config, 'REDIS_PREFIX'>): string {
  return `${config.REDIS_PREFIX}:reconciler:sweep-cursor`;
}

export async function reconcileVideos(deps: ReconcileDeps): Promise<ReconcileRun> {
  const { config } = deps;
  const { pipeline } = deps.queues;
  const quietSince = new Date(deps.clock().getTime() - config.RECONCILE_GRACE_MS);
  const client = deps.redis;
  const cursor = await client.get(sweepCursorKey(config));
  const [newest, page] = await Promise.all([
    findNewestQuietVideos(deps.db, quietSince, config.RECONCILE_RECENT_BATCH),
    findQuietVideosAfter(deps.db, quietSince, cursor, config.RECONCILE_SWEEP_BATCH),
  ]);
  const candidates = new Map<string, ReconcileCandidate>([...newest, ...page].map((video) => [video.id, video]));
  const presence = await findJobPresence(client, pipeline, [...candidates.keys()]);

  const requeued: string[] = [];
  for (const [id, state] of presence) {
    if (state === 'alive') continue;
    // A finished job keeps the id for a while, and an add under a kept id is a no-op.
    if (state === 'finished') await pipeline.remove(id);
    const video = candidates.get(id)!;
    await enqueueAdvanceVideo(pipeline, { videoId: id, requestId: video.requestId });
    deps.logger.warn({ videoId: id, requestId: video.requestId, jobState: state }, 'reconciler re-enqueued a video');
    requeued.push(id);
  }

  const sweepWrapped = page.length < config.RECONCILE_SWEEP_BATCH;
  if (sweepWrapped) await client.del(sweepCursorKey(config));
  else await client.set(sweepCursorKey(config), page.at(-1)!.id);
  return { checked: candidates.size, requeued, sweepWrapped };
}
