// Fault (b): Redis stopped mid-run for longer than BullMQ's blocking timeout, then started again on the same port
// and data directory. Redis keeps an append-only file here, as BullMQ advises for production, so the jobs
// survive; what Redis could not take meanwhile (the API's enqueue of a new video) the reconciler adds later.
// The workers must resume on their own (bullmq#4585 wedged them for good), and clients must get an answer.
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '@sora-studio/testkit';
import { expectPipelineIntact, pipelineFigures, printFigures } from './support/fault-figures.ts';
import { startFaultStack, type FaultStack } from './support/fault-stack.ts';
import { probeRequest, probeUntil, tally } from './support/outage-probe.ts';
import { statusCounts, submitVideos, VIDEO_BODY, waitAllTerminal } from './support/video-load.ts';

const VIDEOS = 500;
/** Longer than a worker's blocking read (BullMQ's drainDelay of 5 s, plus its 1 s watchdog margin). */
const OUTAGE_MS = 10_000;
const RESUME_LIMIT_MS = 30_000;

let stack: FaultStack;

beforeAll(async () => {
  stack = await startFaultStack({ label: 'redis_restart', renderMs: 1_500, redisAppendOnly: true });
});
afterAll(async () => {
  await stack?.stop();
});

it('resumes every worker within 30 s of Redis coming back, and answers every submit meanwhile with 200 or 503', async () => {
  await submitVideos(stack.origin, stack.users, VIDEOS, 'a harbour before a Redis restart');
  await waitFor(async () => ((await statusCounts(stack.db)).completed ?? 0) >= 50, { timeoutMs: 60_000, intervalMs: 200, what: 'the run to be under way' });

  const user = stack.users[0]!;
  let sent = 0;
  await stack.redis.stop();
  const outage = probeUntil({
    submit: () => probeRequest(`${stack.origin}/v1/videos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...VIDEO_BODY, prompt: `submitted while Redis is down ${sent++}` }),
    }),
    ready: () => probeRequest(`${stack.origin}/ready`),
  }, 250, delay(OUTAGE_MS));
  const answers = await outage;
  const completedAtRestart = (await statusCounts(stack.db)).completed ?? 0;
  await stack.redis.start();
  const restartedAt = Date.now();

  // Resumed: videos complete again, which takes both workers' Redis connections and the provider lane.
  await waitFor(async () => ((await statusCounts(stack.db)).completed ?? 0) >= completedAtRestart + 20, {
    timeoutMs: RESUME_LIMIT_MS, intervalMs: 100, what: 'the workers to resume after Redis came back',
  });
  const resumedAfterMs = Date.now() - restartedAt;
  await waitAllTerminal(stack.db, 120_000, stack.describeUnfinished);

  const submits = tally(answers.submit!);
  const ready = tally(answers.ready!);
  const accepted = answers.submit!.filter((answer) => answer.status === 200).length;
  const figures = await pipelineFigures(stack);
  printFigures('redis-restart', {
    ...figures, outageMs: OUTAGE_MS, resumedAfterMs, submitsDuringOutage: submits, readyDuringOutage: ready,
    workerStarts: stack.workers.map((w) => w.starts), apiStarts: stack.api.starts,
  });

  expect(resumedAfterMs).toBeLessThan(RESUME_LIMIT_MS);
  // No process was restarted to get there.
  expect(stack.workers.map((w) => w.starts)).toEqual([1, 1]);
  expect(stack.api.starts).toBe(1);
  // Every submit got an answer in time: 200 (committed; the reconciler enqueues it) or a proper 503, never a 500.
  expect(submits.requests).toBeGreaterThan(10);
  expect(accepted + submits.wellFormed503).toBe(submits.requests);
  expect(submits.slowestMs).toBeLessThan(5_000);
  expect(ready.byStatus).toEqual({ 503: ready.requests });
  expect(ready.wellFormed503).toBe(ready.requests);
  expectPipelineIntact(figures, VIDEOS + accepted);
});
