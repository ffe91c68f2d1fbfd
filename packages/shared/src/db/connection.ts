// One way to reach Postgres: a kysely instance over a pg pool, with snake_case columns mapped to camelCase.
import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';

const INT8_OID = 20;

/** bigint columns hold micro-dollars and byte counts; they stay far below 2^53, so numbers are safe. */
function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${value} exceeds Number.MAX_SAFE_INTEGER`);
  return n;
}

export interface DbOptions {
  poolSize?: number;
  /** How long a query waits for a connection (a new one, or a free one from a full pool) before it fails. */
  connectTimeoutMs?: number;
  /** Postgres cancels a statement running longer; the client gives up a little after that, should the server be gone. */
  statementTimeoutMs?: number;
}

/**
 * Every wait on Postgres is bounded, so an outage surfaces as an error within seconds (the API maps it to a
 * 503) rather than a request or a job step that hangs: pg's own defaults wait for ever.
 */
export const DB_DEFAULTS = { connectTimeoutMs: 5_000, statementTimeoutMs: 30_000 } as const;
/** Margin for the client-side timeout over the server's, so the server's clearer error wins when it can answer. */
const CLIENT_TIMEOUT_MARGIN_MS = 5_000;

export function createDb(connectionString: string, opts: DbOptions = {}): Kysely<Database> {
  const statementTimeoutMs = opts.statementTimeoutMs ?? DB_DEFAULTS.statementTimeoutMs;
  const pool = new pg.Pool({
    connectionString,
    max: opts.poolSize ?? 10,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? DB_DEFAULTS.connectTimeoutMs,
    statement_timeout: statementTimeoutMs,
    query_timeout: statementTimeoutMs + CLIENT_TIMEOUT_MARGIN_MS,
    // A server that vanished without closing the socket (a dead host) is noticed by TCP keep-alive.
    keepAlive: true,
    types: { getTypeParser: (oid, format) => (oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format)) } as pg.CustomTypesConfig,
  });
  // An idle client whose connection dies (Postgres restarted, or a test dropped its database) is reported here
  // and discarded by the pool; the next query opens a fresh one. Without a listener it would crash the process.
  pool.on('error', () => {});
  // A client in use (inside a transaction, between two statements) whose connection dies emits 'error' too,
  // and the pool listens only to idle ones: unheard, that event would end the process. The statement in
  // progress fails on its own, and pg-pool discards the broken client when it is released.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new CamelCasePlugin({ maintainNestedObjectKeys: true })],
  });
}

export type Db = Kysely<Database>;
