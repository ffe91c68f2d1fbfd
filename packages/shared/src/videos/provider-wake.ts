// A provider webhook's nudge to a video's job. The API promotes the job when it is delayed; when it is running
// instead (the webhook came during a poll that saw the video unfinished), promoting is impossible, so the API
// leaves this mark first and the worker, right after delaying the job for its next poll, takes the mark and
// promotes the job itself. Redis orders the two sides, so one of them always sees the other: no event is lost
// to a safety-net poll minutes away.
import type { Redis } from 'ioredis';

/** Long enough to outlast any run of the job the webhook met; a mark left after that costs one early poll. */
const WAKE_MARK_TTL_SECONDS = 120;

function wakeKey(prefix: string, videoId: string): string {
  return `${prefix}:provider-wake:${videoId}`;
}

/** The API's side: the provider said the video ended. Set before looking at the job. */
export async function markProviderWake(redis: Redis, prefix: string, videoId: string): Promise<void> {
  await redis.set(wakeKey(prefix, videoId), '1', 'EX', WAKE_MARK_TTL_SECONDS);
}

/** The worker's side, after the job was delayed: true once per mark. */
export async function takeProviderWake(redis: Pick<Redis, 'getdel'>, prefix: string, videoId: string): Promise<boolean> {
  return (await redis.getdel(wakeKey(prefix, videoId))) !== null;
}
