// Fault (d): Postgres stopped for 30 s mid-run (`pg_ctl stop -m fast`: sessions ended, new ones refused), then
// started again. Clients must get a 503 with Retry-After in OpenAI's shape within the API's timeout, never a
// 500 or a hang; /ready says not ready; the workers wait it out without losing a job; the money reconciles.
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '@sora-studio/testkit';
import { expectPipelineIntact, pipelineFigures, printFigures } from './support/fault-figures.ts';
import { startFaultStack, type FaultStack } from './support/fault-stack.ts';
import { probeRequest, probeUntil, tally } from './support/outage-probe.ts';
import { statusCounts, submitVideos, VIDEO_BODY, waitAllTerminal } from './support/video-load.ts';

const VIDEOS = 500;
const OUTAGE_MS = 30_000;
/** The API's pool gives up on a connection after 2 s; an answer should never take much longer. */
const ANSWER_LIMIT_MS = 5_000;

let stack: FaultStack;

beforeAll(async () => {
  stack = await startFaultStack({ label: 'postgres_outage', renderMs: 1_500 });
});
afterAll(async () => {
  await stack?.stop();
});

it('answers 503 with Retry-After while Postgres is down, and ends every video once it is back', async () => {
  const [someVideo] = await submitVideos(stack.origin, stack.users, VIDEOS, 'a desert before a Postgres outage');
  await waitFor(async () => ((await statusCounts(stack.db)).completed ?? 0) >= 50, { timeoutMs: 60_000, intervalMs: 200, what: 'the run to be under way' });

  const user = stack.users[0]!;
  const auth = { authorization: `Bearer ${user.apiKey}` };
  await stack.postgres.stop();
  const answers = await probeUntil({
    submit: () => probeRequest(`${stack.origin}/v1/videos`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ ...VIDEO_BODY, prompt: 'submitted while Postgres is down' }),
    }),
    retrieve: () => probeRequest(`${stack.origin}/v1/videos/${someVideo}`, { headers: auth }),
    ready: () => probeRequest(`${stack.origin}/ready`),
  }, 500, delay(OUTAGE_MS));
  await stack.postgres.start();
  const restartedAt = Date.now();

  await waitAllTerminal(stack.db, 150_000, stack.describeUnfinished);
  const endedAfterMs = Date.now() - restartedAt;
  const figures = await pipelineFigures(stack);
  const submits = tally(answers.submit!);
  const retrieves = tally(answers.retrieve!);
  const ready = tally(answers.ready!);
  printFigures('postgres-outage', {
    ...figures, outageMs: OUTAGE_MS, endedAfterMs, submitsDuringOutage: submits, retrievesDuringOutage: retrieves, readyDuringOutage: ready,
    workerStarts: stack.workers.map((w) => w.starts), apiStarts: stack.api.starts,
  });

  for (const probe of [submits, retrieves, ready]) {
    expect(probe.requests).toBeGreaterThan(20);
    // Every answer a 503 with Retry-After in the right shape, in time: no 500, no hang, no dropped connection.
    expect(probe.byStatus).toEqual({ 503: probe.requests });
    expect(probe.wellFormed503).toBe(probe.requests);
    expect(probe.slowestMs).toBeLessThan(ANSWER_LIMIT_MS);
  }
  expect(stack.workers.map((w) => w.starts)).toEqual([1, 1]);
  expect(stack.api.starts).toBe(1);
  expectPipelineIntact(figures, VIDEOS);
});
