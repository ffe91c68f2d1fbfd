// Fault (c): every Redis key lost mid-run (FLUSHALL on the test's own Redis): jobs, delayed polls, the limiter and
// the reconciler's schedule. Postgres is the record, so the reconciler rebuilds the queue from it; a video
// already at the provider is not created again (the provider call carries the video id as Idempotency-Key).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '@sora-studio/testkit';
import { expectPipelineIntact, pipelineFigures, printFigures } from './support/fault-figures.ts';
import { startFaultStack, type FaultStack } from './support/fault-stack.ts';
import { statusCounts, submitVideos, unfinished, waitAllTerminal } from './support/video-load.ts';

const VIDEOS = 500;

let stack: FaultStack;

beforeAll(async () => {
  stack = await startFaultStack({ label: 'redis_flush', renderMs: 2_000 });
});
afterAll(async () => {
  await stack?.stop();
});

it('rebuilds the queue from Postgres after FLUSHALL and ends every video without a second provider create', async () => {
  await submitVideos(stack.origin, stack.users, VIDEOS, 'a glacier before a Redis flush');
  // Mid-run: some done, and many at the provider or still queued, whose jobs the flush takes away.
  const before = await waitFor(async () => {
    const counts = await statusCounts(stack.db);
    return (counts.completed ?? 0) >= 50 && counts;
  }, { timeoutMs: 60_000, intervalMs: 200, what: 'the run to be under way' });
  const flushedAt = Date.now();
  expect(await stack.redis.command('FLUSHALL')).toBe('+OK');
  const unfinishedAtFlush = unfinished(await statusCounts(stack.db));

  await waitAllTerminal(stack.db, 150_000, stack.describeUnfinished);
  const recoveredAfterMs = Date.now() - flushedAt;
  const requeued = stack.workers.reduce((sum, worker) => sum + worker.count('reconciler re-enqueued a video'), 0);

  const figures = await pipelineFigures(stack);
  printFigures('redis-flush', {
    ...figures, completedAtFlush: before.completed, unfinishedAtFlush, reconcilerRequeued: requeued, recoveredAfterMs,
    workerStarts: stack.workers.map((w) => w.starts),
  });
  expect(unfinishedAtFlush).toBeGreaterThan(0);
  // Jobs a worker held at the flush go on from its memory; the rest came back through the reconciler.
  expect(requeued).toBeGreaterThan(0);
  expect(stack.workers.map((w) => w.starts)).toEqual([1, 1]);
  expectPipelineIntact(figures, VIDEOS);
});
