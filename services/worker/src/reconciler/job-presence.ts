// Whether each video still has a live job, for a whole batch in one pipelined Redis round trip. BullMQ
// keeps a job as the hash `<prefix>:<queue>:<jobId>`: no hash is a lost job; one with `finishedOn` set is a
// finished job that still holds the id (an add under a kept id is a no-op), so it must go before a new add.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export type JobPresence = 'alive' | 'missing' | 'finished';

/** `redis` is a connection to the queue's Redis (BullMQ's own client is behind its backend abstraction). */
export async function findJobPresence(redis: Redis, queue: Queue, jobIds: readonly string[]): Promise<Map<string, JobPresence>> {
  const presence = new Map<string, JobPresence>();
  if (jobIds.length === 0) return presence;
  const pipeline = redis.pipeline();
  for (const id of jobIds) pipeline.hmget(queue.toKey(id), 'timestamp', 'finishedOn');
  const replies = (await pipeline.exec()) ?? [];
  jobIds.forEach((id, i) => {
    const [error, fields] = replies[i] ?? [new Error('no reply'), null];
    if (error) throw error;
    const [timestamp, finishedOn] = fields as [string | null, string | null];
    presence.set(id, timestamp === null ? 'missing' : finishedOn === null ? 'alive' : 'finished');
  });
  return presence;
}
