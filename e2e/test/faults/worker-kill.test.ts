// Fault (a): a worker process SIGKILLed every few seconds, the two in turn, each started again at once.
// Its active jobs are taken back once their lock expires; every step is idempotent, so nothing is done twice.
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectPipelineIntact, pipelineFigures, printFigures } from './support/fault-figures.ts';
import { startFaultStack, type FaultStack } from './support/fault-stack.ts';
import { statusCounts, submitVideos, waitAllTerminal } from './support/video-load.ts';

const VIDEOS = 500;
/** The cadence of the killer; fault injection, not a wait for a condition. */
const KILL_EVERY_MS = 2_000;
/** Under the suite's 240 s test timeout, with room for the stack's start and the figures. */
const WAIT_FOR_ALL_MS = 210_000;

let stack: FaultStack;

beforeAll(async () => {
  stack = await startFaultStack({ label: 'worker_kill', renderMs: 2_000 });
});
afterAll(async () => {
  await stack?.stop();
});

it('ends every video once, settled and created at the provider once, while workers are SIGKILLed in turn', async () => {
  const startedAt = Date.now();
  await submitVideos(stack.origin, stack.users, VIDEOS, 'a lighthouse under a killed worker');

  let finished = false;
  let kills = 0;
  let unfinishedAtKills = 0;
  const killer = (async () => {
    for (let turn = 0; !finished; turn += 1) {
      await delay(KILL_EVERY_MS);
      if (finished) break;
      const worker = stack.workers[turn % 2]!;
      const counts = await statusCounts(stack.db);
      unfinishedAtKills += (counts.queued ?? 0) + (counts.in_progress ?? 0);
      await worker.kill();
      kills += 1;
      await worker.start();
    }
  })();
  // A bound on the whole run, not a speed target: with a kill every 2 s each job is taken back ~4 s after its
  // worker died, and polls double without a ceiling (issue 10's poll bound), so a video the loaded emulator
  // rendered late is seen done up to twice its render time later. 108–140 s were seen on a loaded 2-core box.
  const byStatus = await waitAllTerminal(stack.db, WAIT_FOR_ALL_MS, stack.describeUnfinished).finally(() => { finished = true; });
  await killer;

  const figures = await pipelineFigures(stack);
  printFigures('worker-kill', {
    ...figures, kills, workerStarts: stack.workers.map((w) => w.starts), seconds: Math.round((Date.now() - startedAt) / 1000),
  });
  expect(byStatus).toEqual({ completed: VIDEOS });
  // The kills happened while there was work to lose, not after the last video ended.
  expect(kills).toBeGreaterThanOrEqual(3);
  expect(unfinishedAtKills).toBeGreaterThan(0);
  expectPipelineIntact(figures, VIDEOS);
});
