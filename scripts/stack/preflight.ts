// Before anything starts: is Postgres there, is Redis there, are our ports free? Each failure is one
// line naming the address and how to fix it, because a stack trace from a pool helps nobody at start-up.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { createDb } from '@sora-studio/shared';
import { findPortHolder, type PortHolder } from './port-holder.ts';
import { failure, redactUrl } from './terminal.ts';

const CHECK_TIMEOUT_MS = 5_000;

/** Postgres SQLSTATE for "the database does not exist": the server is up, `ensureDatabase` will create it. */
export const DATABASE_MISSING = '3D000';

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  // ref: false, so an answer in time leaves no timer holding the process open.
  const timeout = sleep(CHECK_TIMEOUT_MS, undefined, { ref: false }).then(() => {
    throw new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`);
  });
  return Promise.race([work, timeout]);
}

/** pg reports server-side problems with a 5-character SQLSTATE; anything else means we never got a session. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export async function checkPostgres(databaseUrl: string): Promise<void> {
  const db = createDb(databaseUrl, { poolSize: 1 });
  try {
    await withTimeout(sql`select 1`.execute(db), 'Postgres');
  } catch (error) {
    const state = sqlState(error);
    if (state === DATABASE_MISSING) return;
    const where = redactUrl(databaseUrl);
    if (state) throw failure(`Postgres at ${where} refused us: ${(error as Error).message} — check DATABASE_URL`);
    throw failure(`Postgres is not reachable at ${where} — start it (${postgresStartHint(databaseUrl)}) or set DATABASE_URL`);
  } finally {
    void db.destroy().catch(() => undefined);
  }
}

export async function checkRedis(redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: CHECK_TIMEOUT_MS,
  });
  redis.on('error', () => undefined); // the failed connect() below reports it
  try {
    await withTimeout(redis.connect().then(() => redis.ping()), 'Redis');
  } catch (error) {
    const where = redactUrl(redisUrl);
    const message = (error as Error).message;
    if (/NOAUTH|WRONGPASS|NOPERM/.test(message)) throw failure(`Redis at ${where} refused us: ${message} — check REDIS_URL`);
    throw failure(`Redis is not reachable at ${where} — start it (redis-server --daemonize yes) or set REDIS_URL`);
  } finally {
    redis.disconnect();
  }
}

/** A command line that is one of our services: a child of an earlier `npm start` still holding its port. */
const OUR_SERVICE = /services\/(api|worker|emulator)\/src\//;

/** One line: the port, who holds it when we can see that, and how to get it back. */
export function describeTakenPort(host: string, port: number, variable: string, holder: PortHolder | undefined): string {
  if (!holder) return `Port ${port} on ${host} is already in use (by a process we cannot see) — stop it or set ${variable}`;
  const leftover = OUR_SERVICE.test(holder.command) ? ', left over from an earlier npm start' : '';
  return `Port ${port} on ${host} is already in use by pid ${holder.pid} (${holder.command})${leftover} — stop it (kill ${holder.pid}) or set ${variable}`;
}

/** A port someone else holds would make a child die right after start; say so before starting anything. */
export function checkPortFree(host: string, port: number, variable: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(failure(describeTakenPort(host, port, variable, findPortHolder(port))));
      } else {
        reject(failure(`Cannot listen on ${host}:${port} (${error.code ?? error.message}) — set ${variable}`));
      }
    });
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** On Debian/Ubuntu, name the cluster that owns the port; elsewhere point at the usual ways. */
function postgresStartHint(databaseUrl: string): string {
  const port = new URL(databaseUrl).port || '5432';
  try {
    const clusters = execFileSync('pg_lsclusters', ['--no-header'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const cluster = clusters.split('\n').map((line) => line.split(/\s+/)).find((fields) => fields[2] === port);
    if (cluster) return `pg_ctlcluster ${cluster[0]} ${cluster[1]} start`;
  } catch {
    // not a Debian-style installation
  }
  return 'e.g. docker compose up -d postgres';
}
