// The slot-wait phase: one user whose in-flight cap is full, with a backlog of videos waiting for its slots. The
// in-flight ones never finish (the emulator's `stall`), so no slot frees during the window: whatever Postgres
// work the stack does then is the price of waiting, and it must not grow with the backlog (issue 10).
import { ADVANCE_VIDEO_JOB, advanceVideoJobOptions, createRedis, createVideoQueues, newId, type VideoQueues } from '@sora-studio/shared';
import { waitFor } from '@sora-studio/testkit';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { createBenchUsers, type BenchUser } from './bench-user.ts';
import { residentBytes } from './process-rss.ts';
import { withServiceStack, type ServiceStack } from './service-stack.ts';

/** The backlog, the owner's cap, and how long the stack is watched idle (before) and while the backlog waits. */
export const SLOT_WAIT_SETTINGS = {
  waitingVideos: 10_000,
  maxInFlight: 5,
  baselineSeconds: 10,
  /** After the first claims, before the window: their events relayed, the last of them settled. */
  settleGraceSeconds: 10,
  windowSeconds: 30,
  settleTimeoutMs: 600_000,
} as const;

export interface SlotWaitFigures {
  waitingVideos: number;
  maxInFlight: number;
  /** From the enqueue until every video had its first claim (all but the cap parked as delayed jobs). */
  settleSeconds: number;
  /** Over that burst, per video: a claim that scans the owner's backlog reads thousands of rows here. */
  settleTransactionsPerVideo: number;
  settleRowsReadPerVideo: number;
  windowSeconds: number;
  /** The stack's own rate with nothing to do (event relay, reconciler, dispatcher timers), for comparison. */
  baselineTransactionsPerSecond: number;
  baselineRowsReadPerSecond: number;
  /** Committed transactions of the bench database per second while the backlog waits (pg_stat_database). */
  transactionsPerSecond: number;
  /** Rows read (returned + fetched) per second meanwhile: a per-claim scan of the backlog shows here. */
  rowsReadPerSecond: number;
  workerRssStartBytes: number;
  workerRssEndBytes: number;
  workerRssGrowthBytes: number;
}

interface DatabaseCounters {
  at: number;
  transactions: number;
  rowsRead: number;
}

async function readCounters(stats: pg.Client): Promise<DatabaseCounters> {
  // Statistics are a snapshot per transaction: clear it so each read sees the server's latest counters.
  await stats.query('select pg_stat_clear_snapshot()');
  const { rows } = await stats.query<{ xact_commit: string; tup_returned: string; tup_fetched: string }>(
    'select xact_commit, tup_returned, tup_fetched from pg_stat_database where datname = current_database()');
  const row = rows[0]!;
  return { at: performance.now(), transactions: Number(row.xact_commit), rowsRead: Number(row.tup_returned) + Number(row.tup_fetched) };
}

function ratesBetween(start: DatabaseCounters, end: DatabaseCounters): { transactionsPerSecond: number; rowsReadPerSecond: number } {
  const seconds = (end.at - start.at) / 1000;
  return { transactionsPerSecond: (end.transactions - start.transactions) / seconds, rowsReadPerSecond: (end.rowsRead - start.rowsRead) / seconds };
}

async function watch(stats: pg.Client, seconds: number) {
  const start = await readCounters(stats);
  await sleep(seconds * 1000);
  return ratesBetween(start, await readCounters(stats));
}

/** Rows written straight to the table and jobs added in bulk: the phase measures the waiting, not the submitting. */
async function enqueueBacklog(stack: ServiceStack, pipeline: VideoQueues['pipeline'], owner: BenchUser, count: number): Promise<void> {
  const ids = Array.from({ length: count }, () => newId('video'));
  for (let from = 0; from < ids.length; from += 1_000) {
    const chunk = ids.slice(from, from + 1_000);
    await stack.db.insertInto('videos').values(chunk.map((id) => ({
      id, userId: owner.id, model: 'sora-2', prompt: 'a video that renders forever [[emulator:stall]]', seconds: 4, size: '720x1280',
      status: 'queued' as const, provider: 'emulator', estimatedCostMicros: 400_000,
    }))).execute();
    await pipeline.addBulk(chunk.map((videoId) => ({ name: ADVANCE_VIDEO_JOB, data: { videoId, requestId: null }, opts: advanceVideoJobOptions(videoId) })));
  }
}

async function jobsYetToRun(pipeline: VideoQueues['pipeline']): Promise<number> {
  const counts = await pipeline.getJobCounts('wait', 'prioritized', 'active');
  return (counts.wait ?? 0) + (counts.prioritized ?? 0) + (counts.active ?? 0);
}

export async function measureSlotWait(stack: ServiceStack, owner: BenchUser): Promise<SlotWaitFigures> {
  const worker = stack.worker;
  if (!worker) throw new Error('the slot-wait phase needs the worker');
  const { config } = stack.environment;
  await stack.db.updateTable('users').set({ maxInFlight: SLOT_WAIT_SETTINGS.maxInFlight }).where('id', '=', owner.id).execute();
  const stats = new pg.Client({ connectionString: config.DATABASE_URL });
  await stats.connect();
  const redis = createRedis(config.REDIS_URL);
  const queues = createVideoQueues(redis, config.REDIS_PREFIX);
  try {
    return await measureWith({ stack, owner, workerPid: worker.pid, stats, pipeline: queues.pipeline });
  } finally {
    await queues.close();
    redis.disconnect();
    await stats.end();
  }
}

interface Measuring {
  stack: ServiceStack;
  owner: BenchUser;
  workerPid: number;
  stats: pg.Client;
  pipeline: VideoQueues['pipeline'];
}

async function measureWith({ stack, owner, workerPid, stats, pipeline }: Measuring): Promise<SlotWaitFigures> {
  const { waitingVideos, maxInFlight, baselineSeconds, settleGraceSeconds, windowSeconds, settleTimeoutMs } = SLOT_WAIT_SETTINGS;
  const baseline = await watch(stats, baselineSeconds);

  const started = performance.now();
  const beforeBacklog = await readCounters(stats);
  await enqueueBacklog(stack, pipeline, owner, waitingVideos);
  // Settled: every job has run its first claim; all but the cap's are delayed, the cap's between their polls.
  await waitFor(async () => (await jobsYetToRun(pipeline)) === 0, {
    timeoutMs: settleTimeoutMs, intervalMs: 250, what: `${waitingVideos} videos to park`,
  });
  const settleSeconds = (performance.now() - started) / 1000;
  const settled = await readCounters(stats);
  await sleep(settleGraceSeconds * 1000);

  const workerRssStartBytes = await residentBytes(workerPid);
  const waiting = await watch(stats, windowSeconds);
  const workerRssEndBytes = await residentBytes(workerPid);
  return {
    waitingVideos,
    maxInFlight,
    settleSeconds,
    settleTransactionsPerVideo: (settled.transactions - beforeBacklog.transactions) / waitingVideos,
    settleRowsReadPerVideo: (settled.rowsRead - beforeBacklog.rowsRead) / waitingVideos,
    windowSeconds,
    baselineTransactionsPerSecond: baseline.transactionsPerSecond,
    baselineRowsReadPerSecond: baseline.rowsReadPerSecond,
    transactionsPerSecond: waiting.transactionsPerSecond,
    rowsReadPerSecond: waiting.rowsReadPerSecond,
    workerRssStartBytes,
    workerRssEndBytes,
    workerRssGrowthBytes: workerRssEndBytes - workerRssStartBytes,
  };
}

/** The phase on a stack of its own (API, one worker, emulator), so nothing else the bench did is still running. */
export async function runSlotWaitPhase(): Promise<SlotWaitFigures> {
  return withServiceStack({ workers: true }, async (stack) => {
    const [owner] = await createBenchUsers(stack.db, 1);
    console.log(`slot wait: ${SLOT_WAIT_SETTINGS.waitingVideos.toLocaleString('en-US')} videos waiting for one user's ${SLOT_WAIT_SETTINGS.maxInFlight} slots…`);
    return measureSlotWait(stack, owner!);
  });
}
