// Brings the database named in DATABASE_URL to the latest schema, creating it first when the server
// has never seen it. `npm start` and `npm run migrate` both run exactly this.
import { type RawBuilder, sql } from 'kysely';
import { migrateToLatest } from '@sora-studio/migrations';
import { createDb, type Db } from '@sora-studio/shared';
import { DATABASE_MISSING, sqlState } from './preflight.ts';

const DUPLICATE_DATABASE = '42P04';

export interface DatabaseReport {
  name: string;
  created: boolean;
  applied: string[];
}

function databaseName(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.slice(1)) || 'postgres';
}

/** The same server and credentials, but the `postgres` maintenance database, which always exists. */
function maintenanceUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

async function withConnection<T>(databaseUrl: string, work: (db: Db) => Promise<T>): Promise<T> {
  const db = createDb(databaseUrl, { poolSize: 1 });
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

/** Runs one statement: true when it ran, false when Postgres answered with the `expected` SQLSTATE. */
async function ranUnless(databaseUrl: string, statement: RawBuilder<unknown>, expected: string): Promise<boolean> {
  try {
    await withConnection(databaseUrl, (db) => statement.execute(db));
    return true;
  } catch (error) {
    if (sqlState(error) === expected) return false;
    throw error;
  }
}

export async function prepareDatabase(databaseUrl: string): Promise<DatabaseReport> {
  const name = databaseName(databaseUrl);
  const exists = await ranUnless(databaseUrl, sql`select 1`, DATABASE_MISSING);
  // Losing the race to another `npm start` or the migrate container still leaves the database there.
  const created = !exists && (await ranUnless(maintenanceUrl(databaseUrl), sql`create database ${sql.id(name)}`, DUPLICATE_DATABASE));
  const results = await withConnection(databaseUrl, (db) => migrateToLatest(db));
  return { name, created, applied: results.map((result) => result.migrationName) };
}

export function describeDatabase(report: DatabaseReport): string {
  const schema = report.applied.length > 0 ? `applied ${report.applied.join(', ')}` : 'schema is up to date';
  return `database ${report.name}${report.created ? ' created,' : ':'} ${schema}`;
}
