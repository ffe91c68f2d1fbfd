// Anchor for end to end: raw BullMQ no-op processing at concurrency 100 (bullmq-noop.main.ts, a process of its own).
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { infrastructure } from '@sora-studio/testkit';
import { startServiceProcess } from '../service-process.ts';

const MAIN = fileURLToPath(new URL('bullmq-noop.main.ts', import.meta.url));
/** Enough for several seconds of processing at the rates seen here (10,000–20,000 jobs/s). */
const JOBS = 100_000;

export interface BullmqFigures {
  jobs: number;
  concurrency: number;
  seconds: number;
  jobsPerSecond: number;
}

export async function measureBullmqProcessing(): Promise<BullmqFigures> {
  const { redisUrl } = await infrastructure();
  const env = { ...process.env, REDIS_URL: redisUrl, ANCHOR_KEY_PREFIX: `sora_anchor_${randomBytes(4).toString('hex')}`, ANCHOR_JOBS: String(JOBS) };
  const run = await startServiceProcess('bullmq anchor', MAIN, env, (entry) => entry.msg === 'anchor done', 300_000);
  await run.stop();
  const { jobs, concurrency, seconds, jobsPerSecond } = run.readyLine as unknown as BullmqFigures;
  return { jobs, concurrency, seconds, jobsPerSecond };
}
