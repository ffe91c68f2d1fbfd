import { sql } from 'kysely';
import { Migrator, NO_MIGRATIONS } from 'kysely/migration';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, migrations } from '@sora-studio/migrations';
import { createTestDatabase, type TestDatabase } from '@sora-studio/testkit';

let testDb: TestDatabase;
beforeAll(async () => { testDb = await createTestDatabase('migrations'); });
afterAll(async () => { await testDb.drop(); });

const tables = async () => (await sql<{ tablename: string }>`
  select tablename from pg_tables where schemaname = 'public' and tablename not like 'kysely_%' order by tablename
`.execute(testDb.db)).rows.map((r) => r.tablename);

describe('migrations', () => {
  it('migrate down to nothing and back up again', async () => {
    const before = await tables();
    const migrator = new Migrator({ db: testDb.db, provider: { getMigrations: async () => migrations } });
    const { error } = await migrator.migrateTo(NO_MIGRATIONS);
    expect(error).toBeUndefined();
    expect(await tables()).toEqual([]);
    const results = await migrateToLatest(testDb.db);
    expect(results.map((r) => r.status)).toEqual(Object.keys(migrations).map(() => 'Success'));
    expect(await tables()).toEqual(before);
  });

  it('keep the ledger and the event log append-only', async () => {
    await sql`insert into users (id, name) values ('user_a', 'a')`.execute(testDb.db);
    await sql`insert into videos (id, user_id, model, prompt, seconds, size, status, provider, estimated_cost_micros)
      values ('video_a', 'user_a', 'sora-2', 'p', 4, '720x1280', 'queued', 'emulator', 400000)`.execute(testDb.db);
    await sql`insert into ledger_entries (user_id, video_id, kind, amount_micros) values ('user_a', 'video_a', 'reserve', 400000)`.execute(testDb.db);
    await expect(sql`update ledger_entries set amount_micros = 0`.execute(testDb.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from ledger_entries`.execute(testDb.db)).rejects.toThrow(/append-only/);
    await expect(sql`insert into ledger_entries (user_id, video_id, kind, amount_micros) values ('user_a', 'video_a', 'reserve', 1)`
      .execute(testDb.db)).rejects.toThrow(/ledger_entries_video_kind_key/);
  });
});
