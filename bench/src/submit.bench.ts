// `npm run bench`: the anchors that bound each path on this machine and the project's own figures, in one run, so
// the ratios between them hold even though the machine's speed moves from run to run. Every server is a process
// of its own: the anchors' servers, the emulator, the API and the worker.
import { cpus, loadavg } from 'node:os';
import { measureBullmqProcessing } from './anchors/bullmq-anchor.ts';
import { measureFastifyRedisGet } from './anchors/fastify-redis-anchor.ts';
import { measurePgbenchSubmit } from './anchors/pgbench-anchor.ts';
import { renderJsonLine, renderTable, type BenchFigures } from './bench-report.ts';
import { BENCH_SETTINGS } from './bench-settings.ts';
import { ratiosOf } from './bench-targets.ts';
import { createBenchUsers } from './bench-user.ts';
import { measureEndToEnd } from './end-to-end.ts';
import { waitForQuietMachine } from './machine-load.ts';
import { withServiceStack } from './service-stack.ts';
import { runSlotWaitPhase } from './slot-wait.ts';
import { measureStatusRead } from './status-read.ts';
import { measureSubmitLoad } from './submit-load.ts';

console.log(`waiting for the 1-minute load average to fall under ${BENCH_SETTINGS.quietLoad}…`);
const quiet = await waitForQuietMachine(BENCH_SETTINGS.quietLoad, BENCH_SETTINGS.quietWaitMs);
if (!quiet.quiet) console.log(`still ${quiet.loadAtStart.toFixed(2)} after ${quiet.waitedSeconds} s: measuring anyway`);

console.log('anchor: pgbench, submit-shaped transaction…');
const pgbench = await measurePgbenchSubmit();
console.log('anchor: Fastify + Redis GET…');
const fastifyRedis = await measureFastifyRedisGet();
console.log('anchor: BullMQ no-op processing…');
const bullmq = await measureBullmqProcessing();

const { submit, submitSingleUser } = await withServiceStack({ workers: false }, async (stack) => {
  const users = await createBenchUsers(stack.db, BENCH_SETTINGS.submitUsers);
  console.log(`submit: ${users.length} users (API only)…`);
  const many = await measureSubmitLoad(stack, users);
  console.log('submit: one user (API only)…');
  const one = await measureSubmitLoad(stack, users.slice(0, 1));
  return { submit: many, submitSingleUser: one };
});

const { endToEnd, statusRead } = await withServiceStack({ workers: true }, async (stack) => {
  const users = await createBenchUsers(stack.db, BENCH_SETTINGS.endToEndUsers);
  console.log(`end to end (API, worker, emulator), ${BENCH_SETTINGS.endToEndVideos} videos…`);
  const e2e = await measureEndToEnd(stack, users);
  console.log('status read of one video…');
  return { endToEnd: e2e, statusRead: await measureStatusRead(stack, users[0]!) };
});

const slotWait = await runSlotWaitPhase();

const measured = {
  machine: { ...quiet, cpus: cpus().length, loadAtEnd: loadavg()[0]! },
  submit,
  submitSingleUser,
  statusRead,
  endToEnd,
  slotWait,
  anchors: {
    pgbenchSubmitTps: pgbench.transactionsPerSecond,
    fastifyRedisGetPerSecond: fastifyRedis.requestsPerSecond,
    bullmqProcessPerSecond: bullmq.jobsPerSecond,
  },
};
const figures: BenchFigures = { ...measured, ratios: ratiosOf(measured) };
console.log(`\n${renderTable(figures, { pgbench, fastifyRedis, bullmq })}\n`);
console.log(renderJsonLine(figures));
