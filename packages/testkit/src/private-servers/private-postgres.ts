// A Postgres cluster of the test's own (initdb + pg_ctl) on a free port, which the test may stop and start
// again, without touching the Postgres every other test shares. Postgres refuses to run as root, so as root
// its commands run as the `postgres` user, in a directory that user owns.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { migrateToLatest } from '@sora-studio/migrations';
import { createDb } from '@sora-studio/shared';
import { freePort } from './free-port.ts';

const run = promisify(execFile);
/** Debian and Ubuntu install each major under /usr/lib/postgresql/<major>/bin; the newest one is used. */
function findPostgresBin(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a)) : [];
  const found = majors.map((major) => join(root, major, 'bin')).find((bin) => existsSync(join(bin, 'initdb')));
  return found ?? join(root, '15', 'bin');
}

const POSTGRES_BIN = process.env.POSTGRES_BIN ?? findPostgresBin();
const POSTGRES_USER = 'postgres';

export interface PrivatePostgres {
  port: number;
  /** The `postgres` maintenance database; `createDatabase` makes the test's own. */
  adminUrl: string;
  /** Creates and migrates a database, and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** `pg_ctl start`, waiting until it accepts connections. */
  start(): Promise<void>;
  /** `pg_ctl stop -m fast`: open sessions are ended (57P01), new ones refused, until start. */
  stop(): Promise<void>;
  /** Stops it and removes its cluster. */
  close(): Promise<void>;
}

/** Runs a Postgres binary, as the postgres user when we are root. */
async function pgCommand(binary: string, args: string[]): Promise<void> {
  const path = join(POSTGRES_BIN, binary);
  if (userInfo().uid === 0) await run('runuser', ['-u', POSTGRES_USER, '--', path, ...args]);
  else await run(path, args);
}

async function postgresUserIds(): Promise<{ uid: number; gid: number }> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run('id', ['-u', POSTGRES_USER]), run('id', ['-g', POSTGRES_USER])]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

/** pg_ctl runs the server detached; clusters still up when the test process exits are stopped then. */
const runningClusters = new Set<string>();
process.once('exit', () => {
  for (const data of runningClusters) {
    const args = ['-D', data, '-m', 'immediate', 'stop'];
    const path = join(POSTGRES_BIN, 'pg_ctl');
    try {
      if (userInfo().uid === 0) execFileSync('runuser', ['-u', POSTGRES_USER, '--', path, ...args], { stdio: 'ignore' });
      else execFileSync(path, args, { stdio: 'ignore' });
    } catch {
      // Already stopped.
    }
  }
});

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const port = await freePort();
  const root = await mkdtemp(join(tmpdir(), 'sora-private-pg-'));
  if (userInfo().uid === 0) {
    const { uid, gid } = await postgresUserIds();
    await chown(root, uid, gid);
  }
  const data = join(root, 'data');
  await pgCommand('initdb', ['-D', data, '-U', POSTGRES_USER, '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
  // Durability is not under test here (a fast stop checkpoints anyway); fsync off keeps the 2-core box free.
  const serverOptions = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const start = () => pgCommand('pg_ctl', ['-D', data, '-l', join(root, 'postgres.log'), '-o', serverOptions, '-w', '-t', '60', 'start']);
  const stop = () => pgCommand('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
  await start();
  runningClusters.add(data);
  const adminUrl = `postgres://${POSTGRES_USER}@127.0.0.1:${port}/postgres`;

  return {
    port,
    adminUrl,
    async createDatabase(name) {
      const admin = createDb(adminUrl, { poolSize: 1 });
      try {
        await sql`create database ${sql.id(name)}`.execute(admin);
      } finally {
        await admin.destroy();
      }
      const url = `postgres://${POSTGRES_USER}@127.0.0.1:${port}/${name}`;
      const db = createDb(url, { poolSize: 1 });
      try {
        await migrateToLatest(db);
      } finally {
        await db.destroy();
      }
      return url;
    },
    start: async () => { await start(); },
    stop: async () => { await stop(); },
    async close() {
      await stop().catch(() => undefined);
      runningClusters.delete(data);
      await rm(root, { recursive: true, force: true });
    },
  };
}
