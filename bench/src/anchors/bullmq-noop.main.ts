// Anchor for orchestration, a process of its own: raw BullMQ processing no-op jobs at concurrency 100. The jobs are
// added first (addBulk), then one Worker is timed from its start until the last one completed. Prints one JSON
// line; removes its keys afterwards. Env: REDIS_URL, ANCHOR_KEY_PREFIX, ANCHOR_JOBS.
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';

const CONCURRENCY = 100;
const BULK = 1_000;
/** The video queues' retention (packages/shared/src/queues.ts), so trimming finished jobs costs what it costs there. */
const JOB_RETENTION = { removeOnComplete: { age: 3600, count: 10_000 }, removeOnFail: { age: 7 * 24 * 3600 } };
const jobs = Number(process.env.ANCHOR_JOBS ?? '50000');
const prefix = process.env.ANCHOR_KEY_PREFIX ?? 'sora_anchor';
const connection = (): Redis => new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });

const queueConnection = connection();
const queue = new Queue('anchor-noop', { connection: queueConnection, prefix });
for (let added = 0; added < jobs; added += BULK) {
  const batch = Math.min(BULK, jobs - added);
  await queue.addBulk(Array.from({ length: batch }, (_, index) => ({
    name: 'noop', data: { n: added + index }, opts: JOB_RETENTION,
  })));
}

let completed = 0;
let markDone: (at: number) => void = () => undefined;
const allDone = new Promise<number>((resolve) => { markDone = resolve; });
const started = performance.now();
const workerConnection = connection();
const worker = new Worker('anchor-noop', async () => undefined, { connection: workerConnection, prefix, concurrency: CONCURRENCY });
worker.on('completed', () => {
  completed += 1;
  if (completed === jobs) markDone(performance.now());
});
worker.on('error', (error) => console.error(JSON.stringify({ level: 50, msg: 'anchor worker error', err: String(error) })));
const seconds = ((await allDone) - started) / 1000;
await worker.close();
workerConnection.disconnect();
await queue.obliterate({ force: true });
await queue.close();
queueConnection.disconnect();
// Last, once the keys are gone: the bench stops this process as soon as it reads the line.
console.log(JSON.stringify({ level: 30, msg: 'anchor done', jobs, concurrency: CONCURRENCY, seconds, jobsPerSecond: jobs / seconds }));
