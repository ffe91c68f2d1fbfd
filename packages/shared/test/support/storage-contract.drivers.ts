// The drivers the storage contract suite runs against, each built by createStorage from config as a service
// builds it, and the generated payloads it stores. A driver also says where an object lands in its backing
// store (a file under STORAGE_DIR, a key in the bucket), so the suite can check the documented layout.
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { createTempDir, startRecordingProxy, type RecordingProxy, type TestS3Server } from '@sora-studio/testkit';
import { createStorage, loadConfig, type Storage } from '../../src/index.ts';

export interface DriverUnderTest {
  storage: Storage;
  /** Names in the backing store (file paths under the root, or bucket keys), sorted; sidecar files left out. */
  listStored(): Promise<string[]>;
  /** What `key` is called in the backing store. */
  storedName(key: string): string;
  /** The S3 requests the driver sent (only for S3 drivers). */
  requestLog?: RecordingProxy;
  close(): Promise<void>;
}

export interface DriverFactory {
  name: string;
  kind: 'local' | 's3';
  start(): Promise<DriverUnderTest>;
}

const BASE_ENV = { NODE_ENV: 'test', LOG_LEVEL: 'silent' };

export const localDriver: DriverFactory = {
  name: 'local',
  kind: 'local',
  async start() {
    const dir = await createTempDir('storage-contract');
    const storage = createStorage(loadConfig({ ...BASE_ENV, STORAGE_DIR: dir.path, STORAGE_SIGNING_SECRET: 'contract-suite-signing-secret' }));
    return {
      storage,
      async listStored() {
        const entries = await readdir(dir.path, { recursive: true, withFileTypes: true });
        return entries
          .filter((entry) => entry.isFile() && !entry.name.endsWith('.meta'))
          .map((entry) => relative(dir.path, join(entry.parentPath, entry.name)))
          .sort();
      },
      storedName: (key) => key,
      close: () => dir.remove(),
    };
  },
};

/** An S3 driver on the file's shared test server, behind a request log, under a prefix of its own. */
export function s3Driver(server: () => TestS3Server, checksums: 'when_required' | 'when_supported'): DriverFactory {
  return {
    name: `s3 (checksums ${checksums})`,
    kind: 's3',
    async start() {
      const s3 = server();
      const requestLog = await startRecordingProxy(s3.endpoint);
      const prefix = `contract-${randomBytes(4).toString('hex')}/`;
      const storage = createStorage(loadConfig({
        ...BASE_ENV,
        ...s3.configEnv,
        S3_ENDPOINT: requestLog.endpoint,
        S3_PREFIX: prefix,
        S3_CHECKSUMS: checksums,
      }));
      return {
        storage,
        listStored: () => s3.listKeys(prefix),
        storedName: (key) => `${prefix}${key}`,
        requestLog,
        async close() {
          await storage.close?.();
          await requestLog.close();
        },
      };
    },
  };
}

/** Random bytes, and a stream of them in irregular chunks with no length announced (as a provider download). */
export function generatedPayload(bytes: number) {
  const data = randomBytes(bytes);
  return {
    data,
    stream(): Readable {
      return Readable.from(irregularChunks(data));
    },
  };
}

function* irregularChunks(data: Buffer): Generator<Buffer> {
  let offset = 0;
  let step = 1;
  while (offset < data.length) {
    // 1 byte up to ~1 MiB, so chunk edges fall everywhere, part boundaries included.
    const size = Math.min(data.length - offset, 1 + ((step * 7919) % (1024 * 1024)));
    yield data.subarray(offset, offset + size);
    offset += size;
    step += 1;
  }
}

/** A source that delivers `goodBytes` and then fails, like a provider download cut off mid-way. */
export function failingStream(goodBytes: number, error: Error): Readable {
  const data = randomBytes(goodBytes);
  async function* chunks(): AsyncGenerator<Buffer> {
    yield* irregularChunks(data);
    await new Promise((resolve) => setImmediate(resolve));
    throw error;
  }
  return Readable.from(chunks());
}
