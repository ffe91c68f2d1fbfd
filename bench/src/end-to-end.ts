// End to end: submit N videos through the openai SDK, as a client would, and time until every one is finished,
// with the worker process at its default concurrency. Per-video latency is created → completed, from the rows.
import OpenAI from 'openai';
import { waitFor } from '@sora-studio/testkit';
import { BENCH_BODY, BENCH_SETTINGS } from './bench-settings.ts';
import type { BenchUser } from './bench-user.ts';
import { percentile } from './percentiles.ts';
import type { ServiceStack } from './service-stack.ts';

export interface EndToEndFigures {
  videos: number;
  workerConcurrency: number;
  submitSeconds: number;
  totalSeconds: number;
  videosPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  failed: number;
}

async function submitAll(sdk: OpenAI, count: number, concurrency: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      next += 1;
      await sdk.videos.create(BENCH_BODY);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

async function finishedCount(stack: ServiceStack): Promise<number> {
  const row = await stack.db.selectFrom('videos').select((eb) => eb.fn.countAll<string>().as('count'))
    .where('status', 'in', ['completed', 'failed', 'cancelled']).executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function measureEndToEnd(stack: ServiceStack, user: BenchUser): Promise<EndToEndFigures> {
  const sdk = new OpenAI({ baseURL: `${stack.apiOrigin}/v1`, apiKey: user.apiKey, maxRetries: 0 });
  const { endToEndVideos: videos, endToEndSubmitConcurrency, endToEndTimeoutMs } = BENCH_SETTINGS;
  const started = performance.now();
  await submitAll(sdk, videos, endToEndSubmitConcurrency);
  const submitted = performance.now();
  await waitFor(async () => (await finishedCount(stack)) >= videos, { timeoutMs: endToEndTimeoutMs, intervalMs: 20, what: `${videos} videos to finish` });
  const finished = performance.now();

  const rows = await stack.db.selectFrom('videos').select(['status', 'createdAt', 'completedAt']).execute();
  const latencies = rows.flatMap((row) => (row.completedAt ? [row.completedAt.getTime() - row.createdAt.getTime()] : []));
  const totalSeconds = (finished - started) / 1000;
  return {
    videos,
    workerConcurrency: stack.workerConcurrency,
    submitSeconds: (submitted - started) / 1000,
    totalSeconds,
    videosPerSecond: videos / totalSeconds,
    latencyP50Ms: percentile(latencies, 50),
    latencyP99Ms: percentile(latencies, 99),
    failed: rows.filter((row) => row.status !== 'completed').length,
  };
}
