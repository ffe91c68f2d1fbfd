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

export function createDb(connectionString: string, opts: { poolSize?: number } = {}): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString,
    max: opts.poolSize ?? 10,
    types: { getTypeParser: (oid, format) => (oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format)) } as pg.CustomTypesConfig,
  });
  // An idle client whose connection dies (Postgres restarted, or a test dropped its database) is reported here
  // and discarded by the pool; the next query opens a fresh one. Without a listener it would crash the process.
  pool.on('error', () => {});
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new CamelCasePlugin({ maintainNestedObjectKeys: true })],
  });
}

export type Db = Kysely<Database>;
