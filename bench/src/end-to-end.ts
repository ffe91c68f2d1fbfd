// End to end: submit N videos through the openai SDK, as a client would, while the worker process runs, and time
// until every one is completed. The rate is the steady state's (BENCH_SETTINGS.endToEndWindow), from the rows'
// completion times, so neither the first render and poll nor the last stragglers set it. The provider calls per
// video come from the emulator's own counts: exactly one create, and polls within issue 10's bound.
import OpenAI from 'openai';
import { ConfigSchema } from '@sora-studio/shared';
import { waitFor } from '@sora-studio/testkit';
import { BENCH_BODY, BENCH_RENDER_MS, BENCH_SETTINGS } from './bench-settings.ts';
import type { BenchUser } from './bench-user.ts';
import { percentile } from './percentiles.ts';
import type { ServiceStack } from './service-stack.ts';

/** Calls per video: the most any one video got, and the mean. */
export interface CallsPerVideo {
  max: number;
  mean: number;
}

export interface EndToEndFigures {
  videos: number;
  users: number;
  workerConcurrency: number;
  providerRequestsPerSecond: number;
  renderMs: number;
  firstPollMs: number;
  submitSeconds: number;
  totalSeconds: number;
  /** Completions per second in the steady-state window. */
  videosPerSecond: number;
  /** All the videos over the whole phase, filling and draining included. */
  overallVideosPerSecond: number;
  /** Seconds between the window's first and last completion. */
  steadyStateSeconds: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  failed: number;
  createsPerVideo: CallsPerVideo;
  pollsPerVideo: CallsPerVideo;
  /** ⌈log2(render time / first poll delay)⌉ + 2: the most polls a video may take (issue 10). */
  pollBound: number;
}

/** The bench's videos wait POLL_INTERVAL_MS's default before their first poll. */
const FIRST_POLL_MS = ConfigSchema.shape.POLL_INTERVAL_MS.parse(undefined);

/** `count` creates, `concurrency` at a time, each lane as the next user in turn. */
async function submitAll(sdks: readonly OpenAI[], count: number, concurrency: number): Promise<void> {
  let next = 0;
  const lane = async (index: number) => {
    const sdk = sdks[index % sdks.length]!;
    while (next < count) {
      next += 1;
      await sdk.videos.create(BENCH_BODY);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, index) => lane(index)));
}

async function finishedCount(stack: ServiceStack): Promise<number> {
  const row = await stack.db.selectFrom('videos').select((eb) => eb.fn.countAll<string>().as('count'))
    .where('status', 'in', ['completed', 'failed', 'cancelled']).executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Completions per second between the window's shares of completed videos, and how long that took. */
export function steadyStateRate(completedAtMs: readonly number[], window: { from: number; to: number }): { perSecond: number; seconds: number } {
  const sorted = [...completedAtMs].sort((a, b) => a - b);
  const first = Math.floor(window.from * (sorted.length - 1));
  const last = Math.ceil(window.to * (sorted.length - 1));
  const seconds = ((sorted[last] ?? 0) - (sorted[first] ?? 0)) / 1000;
  return { perSecond: seconds > 0 ? (last - first) / seconds : Number.NaN, seconds };
}

export function pollBound(renderMs: number, firstPollMs: number): number {
  return Math.max(1, Math.ceil(Math.log2(renderMs / firstPollMs)) + 2);
}

/**
 * `users`: the submitting users, one per submit lane at most. Several, as a deployment has: every submit and every
 * settlement of one user takes that user's budget row lock, which the submit phases measure on their own.
 */
export async function measureEndToEnd(stack: ServiceStack, users: readonly BenchUser[]): Promise<EndToEndFigures> {
  const sdks = users.map((user) => new OpenAI({ baseURL: `${stack.apiOrigin}/v1`, apiKey: user.apiKey, maxRetries: 0 }));
  const { endToEndVideos: videos, endToEndSubmitConcurrency, endToEndTimeoutMs, endToEndWindow } = BENCH_SETTINGS;
  const started = performance.now();
  await submitAll(sdks, videos, endToEndSubmitConcurrency);
  const submitted = performance.now();
  await waitFor(async () => (await finishedCount(stack)) >= videos, { timeoutMs: endToEndTimeoutMs, intervalMs: 100, what: `${videos} videos to finish` });
  const finished = performance.now();

  const rows = await stack.db.selectFrom('videos').select(['status', 'createdAt', 'completedAt']).execute();
  const completedAtMs = rows.flatMap((row) => (row.completedAt ? [row.completedAt.getTime()] : []));
  const latencies = rows.flatMap((row) => (row.completedAt ? [row.completedAt.getTime() - row.createdAt.getTime()] : []));
  const steady = steadyStateRate(completedAtMs, endToEndWindow);
  const { perVideo } = await stack.emulator.stats();
  const totalSeconds = (finished - started) / 1000;
  return {
    videos,
    users: users.length,
    workerConcurrency: stack.workerConcurrency,
    providerRequestsPerSecond: stack.providerRequestsPerSecond,
    renderMs: BENCH_RENDER_MS,
    firstPollMs: FIRST_POLL_MS,
    submitSeconds: (submitted - started) / 1000,
    totalSeconds,
    videosPerSecond: steady.perSecond,
    overallVideosPerSecond: videos / totalSeconds,
    steadyStateSeconds: steady.seconds,
    latencyP50Ms: percentile(latencies, 50),
    latencyP99Ms: percentile(latencies, 99),
    failed: rows.filter((row) => row.status !== 'completed').length,
    createsPerVideo: perVideo.createRequests,
    pollsPerVideo: perVideo.retrieves,
    pollBound: pollBound(BENCH_RENDER_MS, FIRST_POLL_MS),
  };
}
