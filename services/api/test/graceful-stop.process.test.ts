// server.ts under load, stopped with SIGTERM: requests already in flight finish, new ones get 503 (or a closed
// connection), and only then do the queues, Redis and Postgres close. Before, Fastify's close waited for the
// connections but not for the handlers of clients that had gone: enqueues and idempotency releases then failed
// against closed connections in the log, and a request could fail with a 500 (src/http/request-drain.ts).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createRedis, createVideoQueues } from '@sora-studio/shared';
import { createTestEnvironment, createUserWithKey, freePort, waitFor, type TestEnvironment, type TestUser } from '@sora-studio/testkit';

const CONNECTIONS = 20;
/** Answers before the signal, so the stop lands on a server in full swing. */
const WARM_UP_ANSWERS = 100;

interface Outcome { status?: number; error?: string; startedBeforeStop: boolean; answeredAfterStop: boolean }
interface LogLine { level: number; msg: string; err?: { message?: string } }

let environment: TestEnvironment | undefined;
afterEach(async () => {
  await environment?.close();
  environment = undefined;
});

/** One POST /v1/videos on the connection `agent` keeps alive; a connection error is an outcome too. */
function postVideo(port: number, agent: Agent, user: TestUser): Promise<Pick<Outcome, 'status' | 'error'>> {
  const body = JSON.stringify({ prompt: 'a lighthouse in a storm', seconds: '4' });
  return new Promise((resolve) => {
    const sent = request({
      host: '127.0.0.1', port, path: '/v1/videos', method: 'POST', agent,
      headers: { authorization: `Bearer ${user.apiKey}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'idempotency-key': randomUUID() },
    }, (response) => {
      response.resume();
      response.once('end', () => resolve({ status: response.statusCode }));
      response.once('error', (error) => resolve({ error: error.message }));
    });
    sent.once('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    sent.end(body);
  });
}

/**
 * Starts server.ts, keeps CONNECTIONS keep-alive clients sending creates back to back, and sends SIGTERM once
 * WARM_UP_ANSWERS have come back. `clientsGiveUp`: at that moment every client drops its connection mid-request
 * (a load generator ending its run, a balancer's timeout), so only the server's own handlers are left running.
 */
async function stopUnderLoad(clientsGiveUp: boolean) {
  environment = await createTestEnvironment('api_graceful_stop');
  const { testDb, testRedis, storageDir } = environment;
  const users = await Promise.all(Array.from({ length: CONNECTIONS }, () => createUserWithKey(testDb.db)));
  const port = await freePort();
  const child = spawn(process.execPath, ['src/server.ts'], {
    cwd: join(import.meta.dirname, '..'),
    env: {
      PATH: process.env.PATH, NODE_ENV: 'test', LOG_LEVEL: 'info', DATABASE_URL: testDb.url, REDIS_URL: testRedis.url, REDIS_PREFIX: testRedis.prefix,
      STORAGE_DIR: storageDir.path, API_HOST: '127.0.0.1', API_PORT: String(port),
      // Budgets and rate limits out of the way: every answer is a 2xx until the stop.
      DEFAULT_MONTHLY_BUDGET_MICROS: '1000000000000', RATE_LIMIT_USER_PER_MINUTE: '1000000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  let running = true;
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve)).finally(() => { running = false; });

  const outcomes: Outcome[] = [];
  let stopSent = false;
  let exitCode: number | null;
  try {
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/ready`)).status === 200, { timeoutMs: 15_000, what: 'the API to be ready' });
    // Each client sends its next request the moment the last is answered, until the server refuses or closes
    // its connection.
    const agents = users.map(() => new Agent({ keepAlive: true, maxSockets: 1 }));
    const clients = users.map(async (user, index) => {
      const agent = agents[index]!;
      while (running) {
        const startedBeforeStop = !stopSent;
        const outcome = await postVideo(port, agent, user);
        outcomes.push({ ...outcome, startedBeforeStop, answeredAfterStop: stopSent });
        if (outcome.error) break;
      }
      agent.destroy();
    });
    await waitFor(() => outcomes.length >= WARM_UP_ANSWERS, { timeoutMs: 30_000, what: `${WARM_UP_ANSWERS} answers` });
    if (clientsGiveUp) for (const agent of agents) agent.destroy();
    stopSent = true;
    child.kill('SIGTERM');
    exitCode = await exited;
    await Promise.all(clients);
  } finally {
    child.kill('SIGKILL');
  }

  const lines = output.split('\n').filter(Boolean).map((line) => JSON.parse(line) as LogLine);
  const stopping = lines.findIndex((line) => line.msg === 'shutting down');
  const redis = createRedis(testRedis.url);
  const queues = createVideoQueues(redis, testRedis.prefix);
  try {
    const videos = (await testDb.db.selectFrom('videos').select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow()).count;
    const jobs = Object.values(await queues.pipeline.getJobCounts()).reduce((sum, count) => sum + count, 0);
    return {
      exitCode,
      outcomes,
      // Warnings and errors from the stop on: a closed Redis or Postgres met by a request shows up here.
      stopProblems: stopping < 0 ? ['no "shutting down" line'] : lines.slice(stopping).filter((line) => line.level >= 40).map((line) => `${line.msg}: ${line.err?.message ?? ''}`),
      lastLine: lines.at(-1)?.msg,
      videos: Number(videos),
      jobs,
    };
  } finally {
    await queues.close();
    redis.disconnect();
  }
}

it('SIGTERM under load: requests in flight are answered 2xx, later ones 503, and it exits 0 with a clean log', { timeout: 60_000 }, async () => {
  const stop = await stopUnderLoad(false);
  expect(stop.exitCode).toBe(0);
  expect(stop.stopProblems).toEqual([]);
  expect(stop.lastLine).toBe('stopped');
  // Every answer is a success or a refusal to start work (a connection the server closed is allowed too).
  const statuses = new Set(stop.outcomes.flatMap((outcome) => (outcome.status === undefined ? [] : [outcome.status])));
  expect([...statuses].filter((status) => status !== 200 && status !== 201 && status !== 503)).toEqual([]);
  // The signal caught requests in flight, and they were finished, not cut off.
  expect(stop.outcomes.filter((outcome) => outcome.startedBeforeStop && outcome.answeredAfterStop && outcome.status === 200).length).toBeGreaterThan(0);
  expect(stop.jobs).toBe(stop.videos);
});

it('SIGTERM as every client gives up mid-request: their handlers still finish before Redis and Postgres close', { timeout: 60_000 }, async () => {
  const stop = await stopUnderLoad(true);
  expect(stop.exitCode).toBe(0);
  expect(stop.stopProblems).toEqual([]);
  expect(stop.lastLine).toBe('stopped');
  // Nothing half done: every video whose create committed was also enqueued (no enqueue met a closed Redis).
  expect(stop.videos).toBeGreaterThanOrEqual(WARM_UP_ANSWERS);
  expect(stop.jobs).toBe(stop.videos);
});
