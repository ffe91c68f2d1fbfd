// The submit phases: POST /v1/videos under autocannon against the API process alone (no workers run, so the
// figures are the API's: authenticate, validate, claim the idempotency key, reserve the budget, record the video
// and its event, enqueue). Every request carries a fresh Idempotency-Key, as the Studio and careful clients send.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { BENCH_BODY } from './bench-settings.ts';
import type { BenchUser } from './bench-user.ts';
import { runHttpLoad, type HttpLoadFigures } from './http-load.ts';
import { residentBytes, sampleRss } from './process-rss.ts';
import type { ServiceStack } from './service-stack.ts';

export interface SubmitLoadFigures extends HttpLoadFigures {
  users: number;
  /** Videos in the database afterwards: one per 2xx, plus any whose request was cut off when time ran out. */
  videosRecorded: number;
  /** Distinct users among all the videos recorded so far (shows the requests were spread over the users). */
  usersWithVideos: number;
  /** The API process's VmRSS just before the load, and its peak during it. */
  apiBaselineRssBytes: number;
  apiPeakRssBytes: number;
}

async function videoCount(stack: ServiceStack): Promise<number> {
  const row = await stack.db.selectFrom('videos').select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
  return Number(row.count);
}

async function usersWithVideos(stack: ServiceStack): Promise<number> {
  const row = await stack.db.selectFrom('videos').select((eb) => eb.fn.count<string>('userId').distinct().as('count')).executeTakeFirstOrThrow();
  return Number(row.count);
}

/**
 * Autocannon stops with requests still in flight; the API finishes them after. Waiting until no more videos appear
 * keeps them out of the next phase and lets the stack stop on an idle API.
 */
async function settledVideoCount(stack: ServiceStack): Promise<number> {
  let previous = -1;
  for (;;) {
    const count = await videoCount(stack);
    if (count === previous) return count;
    previous = count;
    await sleep(300);
  }
}

/** Submits for the run's length, each request from the next of `users` in turn. */
export async function measureSubmitLoad(stack: ServiceStack, users: readonly BenchUser[]): Promise<SubmitLoadFigures> {
  const before = await videoCount(stack);
  const apiBaselineRssBytes = await residentBytes(stack.api.pid);
  const rss = sampleRss(stack.api.pid);
  let next = 0;
  const figures = await runHttpLoad({
    url: `${stack.apiOrigin}/v1/videos`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(BENCH_BODY),
    setupRequest: (request) => {
      const user = users[next++ % users.length]!;
      return { ...request, headers: { ...request.headers, authorization: `Bearer ${user.apiKey}`, 'idempotency-key': randomUUID() } };
    },
  });
  const after = await settledVideoCount(stack);
  await rss.stop();
  return { ...figures, users: users.length, videosRecorded: after - before, usersWithVideos: await usersWithVideos(stack), apiBaselineRssBytes, apiPeakRssBytes: rss.peak() };
}
