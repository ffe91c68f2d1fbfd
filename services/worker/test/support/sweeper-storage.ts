// What a sweeper test needs on one storage driver: its own database with one user, and the storage the
// sweeper removes from (a temp dir, or a test S3 server on the s3 driver), gone again in one close().
import { createStorage, loadConfig, type Storage } from '@sora-studio/shared';
import {
  createTempDir, createTestDatabase, createUserWithKey, startTestS3Server, type TestDatabase, type TestS3Server,
} from '@sora-studio/testkit';

export interface SweeperStorage {
  testDb: TestDatabase;
  /** Only on the s3 driver: the server itself, to look at the bucket behind the driver's back. */
  s3: TestS3Server | undefined;
  storage: Storage;
  userId: string;
  close(): Promise<void>;
}

/** `label` names the schema (`worker_<label>_<driver>`), the S3 server and the temp dir. */
export async function startSweeperStorage(driver: 'local' | 's3', label: string): Promise<SweeperStorage> {
  const [testDb, s3, dir] = await Promise.all([
    createTestDatabase(`worker_${label}_${driver}`),
    driver === 's3' ? startTestS3Server({ label }) : Promise.resolve(undefined),
    createTempDir(label),
  ]);
  const storage = createStorage(loadConfig({ NODE_ENV: 'test', STORAGE_DIR: dir.path, ...s3?.configEnv }));
  const userId = (await createUserWithKey(testDb.db)).id;
  return {
    testDb, s3, storage, userId,
    close: async () => {
      await testDb.drop();
      await s3?.stop();
      await dir.remove();
    },
  };
}
