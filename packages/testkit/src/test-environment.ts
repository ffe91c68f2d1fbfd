// What one test file's services run on: its own database, Redis prefix and storage directory, and the
// config that points at them. The API harness, the worker's pipeline world and the e2e stack start here.
import { loadConfig, type Config } from '@sora-studio/shared';
import { createTempDir, type TempDir } from './temp-dir.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import { createTestRedis, type TestRedis } from './test-redis.ts';

export interface TestEnvironment {
  config: Config;
  testDb: TestDatabase;
  testRedis: TestRedis;
  storageDir: TempDir;
  /** Drops the database, removes the Redis keys and the storage directory. */
  close(): Promise<void>;
}

export interface TestPlaces {
  databaseUrl: string;
  testRedis: TestRedis;
  storageDir: string;
}

/** The config of a service running on these places; `env` adds or overrides variables. */
export function testConfig(places: TestPlaces, env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: places.databaseUrl,
    REDIS_URL: places.testRedis.url,
    REDIS_PREFIX: places.testRedis.prefix,
    STORAGE_DIR: places.storageDir,
    ...env,
  });
}

export async function createTestEnvironment(label: string, env: Record<string, string> = {}): Promise<TestEnvironment> {
  const [testDb, testRedis, storageDir] = await Promise.all([createTestDatabase(label), createTestRedis(label), createTempDir(label)]);
  return {
    config: testConfig({ databaseUrl: testDb.url, testRedis, storageDir: storageDir.path }, env),
    testDb,
    testRedis,
    storageDir,
    async close() {
      await Promise.all([testDb.drop(), testRedis.cleanup(), storageDir.remove()]);
    },
  };
}
