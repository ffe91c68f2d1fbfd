// Anchor for submit: what this machine's Postgres does with a submit-shaped transaction (pgbench-submit.sql: one
// conditional budget UPDATE and two INSERTs), 16 clients over 1,000 users, with the server's own settings (fsync
// on). It runs on a throwaway database of its own, dropped afterwards.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { infrastructure } from '@sora-studio/testkit';
import { BENCH_SETTINGS } from '../bench-settings.ts';

const SCRIPT = fileURLToPath(new URL('pgbench-submit.sql', import.meta.url));
const PGBENCH_CANDIDATES = ['/usr/lib/postgresql/17/bin/pgbench', '/usr/lib/postgresql/16/bin/pgbench', '/usr/lib/postgresql/15/bin/pgbench'];
const CLIENTS = 16;

export interface PgbenchFigures {
  clients: number;
  users: number;
  seconds: number;
  transactionsPerSecond: number;
  latencyAverageMs: number;
}

const SCHEMA = `
  create table anchor_budgets (
    user_id int primary key, limit_micros bigint not null, spent_micros bigint not null default 0,
    reserved_micros bigint not null default 0, updated_at timestamptz not null default now());
  create table anchor_videos (
    id bigint generated always as identity primary key, user_id int not null references anchor_budgets,
    status text not null, cost_micros bigint not null, prompt text not null, created_at timestamptz not null default now());
  create table anchor_video_events (
    id bigint generated always as identity primary key, video_id bigint not null references anchor_videos,
    type text not null, created_at timestamptz not null default now());
  create index on anchor_videos (user_id, created_at);
  create index on anchor_video_events (video_id);
`;

async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

function pgbenchBinary(): string {
  return PGBENCH_CANDIDATES.find((path) => existsSync(path)) ?? 'pgbench';
}

/** pgbench's "tps = 4321.0 (without initial connection time)" and "latency average = 3.7 ms". */
export function parsePgbenchOutput(output: string): { transactionsPerSecond: number; latencyAverageMs: number } {
  const tps = /^tps = ([\d.]+) \(without initial connection time\)$/m.exec(output);
  const latency = /^latency average = ([\d.]+) ms$/m.exec(output);
  if (!tps || !latency) throw new Error(`could not read pgbench's output:\n${output}`);
  return { transactionsPerSecond: Number(tps[1]), latencyAverageMs: Number(latency[1]) };
}

export async function measurePgbenchSubmit(): Promise<PgbenchFigures> {
  const { postgresAdminUrl } = await infrastructure();
  const name = `sora_anchor_pgbench_${randomBytes(4).toString('hex')}`;
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  const users = BENCH_SETTINGS.submitUsers;
  await withClient(postgresAdminUrl, (admin) => admin.query(`create database ${name}`));
  try {
    await withClient(url.toString(), async (client) => {
      await client.query(SCHEMA);
      await client.query('insert into anchor_budgets (user_id, limit_micros) select id, 1000000000000000 from generate_series(1, $1::int) id', [users]);
      await client.query('vacuum analyze');
    });
    const { stdout } = await promisify(execFile)(pgbenchBinary(), [
      '--no-vacuum', '--client', String(CLIENTS), '--jobs', '2', '--time', String(BENCH_SETTINGS.loadSeconds),
      '--define', `users=${users}`, '--file', SCRIPT,
    ], {
      env: { ...process.env, PGHOST: url.hostname, PGPORT: url.port || '5432', PGUSER: decodeURIComponent(url.username), PGDATABASE: name,
        ...(url.password ? { PGPASSWORD: decodeURIComponent(url.password) } : {}) },
    });
    return { clients: CLIENTS, users, seconds: BENCH_SETTINGS.loadSeconds, ...parsePgbenchOutput(stdout) };
  } finally {
    await withClient(postgresAdminUrl, (admin) => admin.query(`drop database if exists ${name} with (force)`));
  }
}
