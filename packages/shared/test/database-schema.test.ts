import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseColumns } from '@sora-studio/shared';
import { createTestDatabase, type TestDatabase } from '@sora-studio/testkit';

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

let testDb: TestDatabase;
beforeAll(async () => { testDb = await createTestDatabase('schema'); });
afterAll(async () => { await testDb.drop(); });

describe('the Database type', () => {
  it('names every column of the migrated schema, with the same nullability', async () => {
    const { rows } = await sql<{ table_name: string; column_name: string; is_nullable: 'YES' | 'NO' }>`
      select table_name, column_name, is_nullable from information_schema.columns
      where table_schema = 'public' and table_name not like 'kysely_%' and column_name <> 'prompt_tsv'
    `.execute(testDb.db.withoutPlugins());
    const actual: Record<string, Record<string, boolean>> = {};
    for (const row of rows) (actual[row.table_name] ??= {})[row.column_name] = row.is_nullable === 'YES';

    const declared = Object.fromEntries(Object.entries(databaseColumns).map(([table, columns]) => [
      snake(table),
      Object.fromEntries(Object.entries(columns).map(([column, nullable]) => [snake(column), nullable])),
    ]));
    expect(actual).toEqual(declared);
  });
});
