// A fresh, migrated database per test file, so files run in parallel without seeing each other's rows.
import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from '@sora-studio/migrations';
import { createDb, type Db } from '@sora-studio/shared';
import { infrastructure } from './infrastructure.ts';

export interface TestDatabase {
  url: string;
  db: Db;
  drop(): Promise<void>;
}

async function withAdmin<T>(adminUrl: string, fn: (admin: Kysely<unknown>) => Promise<T>): Promise<T> {
  const admin = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: adminUrl, max: 1 }) }) });
  try {
    return await fn(admin);
  } finally {
    await admin.destroy();
  }
}

export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const { postgresAdminUrl } = await infrastructure();
  const name = `sora_${label.replace(/\W/g, '_').slice(0, 30)}_${randomBytes(4).toString('hex')}`.toLowerCase();
  await withAdmin(postgresAdminUrl, (admin) => sql`create database ${sql.id(name)}`.execute(admin));
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  const db = createDb(url.toString(), { poolSize: 5 });
  await migrateToLatest(db);
  return {
    url: url.toString(),
    db,
    async drop() {
      await db.destroy();
      await withAdmin(postgresAdminUrl, (admin) => sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin));
    },
  };
}
