// One contract for every storage driver: local disk, and S3 against a real S3-compatible server (fauxqs, in this
// process) with each checksum setting. A driver that passes this can stand behind the API and the worker.
import { createHash, randomBytes } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { startTestS3Server, type TestS3Server } from '@sora-studio/testkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StorageNotFoundError, assetKey, createStorage, loadConfig, type Storage } from '../src/index.ts';
import {
  failingStream, generatedPayload, localDriver, s3Driver, type DriverFactory, type DriverUnderTest,
} from './support/storage-contract.drivers.ts';

const MiB = 1024 * 1024;
/** Larger than the S3 driver's 5 MiB part, so the multipart path (five parts) is what runs. */
const LARGE_BYTES = 20 * MiB + 12_345;

let s3Server: TestS3Server | undefined;
const server = (): TestS3Server => {
  if (!s3Server) throw new Error('the S3 test server is not started');
  return s3Server;
};

beforeAll(async () => {
  s3Server = await startTestS3Server({ label: 'storage-contract' });
});
afterAll(async () => {
  await s3Server?.stop();
});

const drivers: DriverFactory[] = [localDriver, s3Driver(server, 'when_required'), s3Driver(server, 'when_supported')];

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

async function read(storage: Storage, key: string, range?: { start: number; end: number }): Promise<Buffer> {
  return buffer(await storage.get(key, range));
}

function videoId(): string {
  return `video_${randomBytes(8).toString('hex')}`;
}

describe.each(drivers)('storage contract: $name', (factory) => {
  let driver: DriverUnderTest;
  let storage: Storage;

  beforeEach(async () => {
    driver = await factory.start();
    storage = driver.storage;
  });
  afterEach(async () => {
    await driver.close();
  });

  describe('with a large object of unknown length', () => {
    const payload = generatedPayload(LARGE_BYTES);
    let key: string;

    beforeEach(async () => {
      key = assetKey(videoId(), 'video');
      const stored = await storage.put(key, payload.stream(), 'video/mp4');
      expect(stored).toEqual({ bytes: LARGE_BYTES, sha256: sha256(payload.data) });
    });

    it('reads back the same bytes, and stats their length and type', async () => {
      expect((await read(storage, key)).equals(payload.data)).toBe(true);
      expect(await storage.stat(key)).toEqual({ bytes: LARGE_BYTES, contentType: 'video/mp4' });
    });

    it('reads byte ranges: the first byte, a middle slice, one across a part boundary, the last byte', async () => {
      const ranges = [
        { start: 0, end: 0 },
        { start: 1_000, end: 1_000 + 4_095 },
        { start: 8 * MiB - 10, end: 8 * MiB + 9 },
        { start: LARGE_BYTES - 1, end: LARGE_BYTES - 1 },
      ];
      for (const range of ranges) {
        expect((await read(storage, key, range)).equals(payload.data.subarray(range.start, range.end + 1)), `${range.start}-${range.end}`).toBe(true);
      }
    });
  });

  it('stores an empty object and a small one', async () => {
    const empty = `inputs/${videoId()}/reference`;
    expect(await storage.put(empty, generatedPayload(0).stream(), 'image/png')).toEqual({ bytes: 0, sha256: sha256(Buffer.alloc(0)) });
    expect(await storage.stat(empty)).toEqual({ bytes: 0, contentType: 'image/png' });
    const small = generatedPayload(777);
    const key = assetKey(videoId(), 'thumbnail');
    await storage.put(key, small.stream(), 'image/webp');
    expect((await read(storage, key)).equals(small.data)).toBe(true);
  });

  it('answers a missing key with StorageNotFoundError on get and null on stat', async () => {
    const key = assetKey(videoId(), 'video');
    await expect(storage.get(key)).rejects.toBeInstanceOf(StorageNotFoundError);
    await expect(storage.get(key, { start: 0, end: 9 })).rejects.toBeInstanceOf(StorageNotFoundError);
    expect(await storage.stat(key)).toBeNull();
  });

  it('deletes idempotently: an existing key, the same key again, a key that never existed', async () => {
    const key = assetKey(videoId(), 'spritesheet');
    await storage.put(key, generatedPayload(1_024).stream(), 'image/jpeg');
    await storage.delete(key);
    expect(await storage.stat(key)).toBeNull();
    await expect(storage.get(key)).rejects.toBeInstanceOf(StorageNotFoundError);
    await storage.delete(key);
    await storage.delete(assetKey(videoId(), 'video'));
    expect(await driver.listStored()).not.toContain(driver.storedName(key));
  });

  it('overwrites: the second put wins, bytes and content type', async () => {
    const key = assetKey(videoId(), 'thumbnail');
    await storage.put(key, generatedPayload(5_000).stream(), 'image/png');
    const second = generatedPayload(3_000);
    expect(await storage.put(key, second.stream(), 'image/webp')).toEqual({ bytes: 3_000, sha256: sha256(second.data) });
    expect((await read(storage, key)).equals(second.data)).toBe(true);
    expect(await storage.stat(key)).toEqual({ bytes: 3_000, contentType: 'image/webp' });
  });

  describe('when the source stream fails mid-upload', () => {
    for (const [size, goodBytes] of [['small (one request)', 100_000], ['large (multipart)', 18 * MiB]] as const) {
      it(`${size}: put rejects with the source's error and nothing appears at the key`, async () => {
        const key = assetKey(videoId(), 'video');
        const cut = new Error('provider download cut off');
        await expect(storage.put(key, failingStream(goodBytes, cut), 'video/mp4')).rejects.toBe(cut);
        expect(await storage.stat(key)).toBeNull();
        await expect(storage.get(key)).rejects.toBeInstanceOf(StorageNotFoundError);
        expect(await driver.listStored()).toEqual([]);
      });

      it(`${size}: an object already at the key stays whole, and no part of the failed one shows`, async () => {
        const key = assetKey(videoId(), 'video');
        const previous = generatedPayload(64 * 1024);
        await storage.put(key, previous.stream(), 'video/mp4');
        await expect(storage.put(key, failingStream(goodBytes, new Error('cut')), 'video/webm')).rejects.toThrow('cut');
        expect((await read(storage, key)).equals(previous.data)).toBe(true);
        expect(await storage.stat(key)).toEqual({ bytes: previous.data.length, contentType: 'video/mp4' });
      });
    }

    it.runIf(factory.kind === 's3')('aborts the multipart upload it had begun, so no parts are left to pay for', async () => {
      const log = driver.requestLog;
      if (!log) throw new Error('an S3 driver has a request log');
      const key = assetKey(videoId(), 'video');
      await expect(storage.put(key, failingStream(18 * MiB, new Error('cut')), 'video/mp4')).rejects.toThrow('cut');
      const objectPath = `/${server().bucket}/${driver.storedName(key)}`;
      const created = log.requests.filter((request) => request.method === 'POST' && request.url.startsWith(`${objectPath}?uploads`));
      const aborted = log.requests.filter((request) => request.method === 'DELETE' && request.url.startsWith(`${objectPath}?uploadId=`));
      expect(created).toHaveLength(1);
      expect(aborted).toEqual([expect.objectContaining({ status: 204 })]);
      expect(log.requests.some((request) => request.method === 'POST' && request.url.startsWith(`${objectPath}?uploadId=`))).toBe(false);
    });
  });

  it.runIf(factory.kind === 's3')('rejects when the server refuses the upload, and stops reading the source', async () => {
    const refusing = createStorage(loadConfig({ NODE_ENV: 'test', ...server().configEnv, S3_BUCKET: 'no-such-bucket-here' }));
    try {
      for (const bytes of [1_000, 20 * MiB]) {
        const source = generatedPayload(bytes).stream();
        await expect(refusing.put(assetKey(videoId(), 'video'), source, 'video/mp4')).rejects.toMatchObject({ name: 'NoSuchBucket' });
        expect(source.destroyed).toBe(true);
      }
    } finally {
      await refusing.close?.();
    }
  });

  it('takes concurrent puts of different keys, and of one key (one whole winner)', async () => {
    const payloads = Array.from({ length: 6 }, (_, index) => ({ key: assetKey(videoId(), 'video'), payload: generatedPayload(200_000 + index * 50_000) }));
    const stored = await Promise.all(payloads.map(({ key, payload }) => storage.put(key, payload.stream(), 'video/mp4')));
    expect(stored.map((object) => object.sha256)).toEqual(payloads.map(({ payload }) => sha256(payload.data)));
    for (const { key, payload } of payloads) expect((await read(storage, key)).equals(payload.data)).toBe(true);

    const shared = assetKey(videoId(), 'thumbnail');
    const rivals = Array.from({ length: 4 }, () => generatedPayload(300_000));
    await Promise.all(rivals.map((rival) => storage.put(shared, rival.stream(), 'image/webp')));
    const winner = sha256(await read(storage, shared));
    expect(rivals.map((rival) => sha256(rival.data))).toContain(winner);
  });

  it('lays objects out as documented: videos/<id>/<variant> and inputs/<id>/reference (under S3_PREFIX)', async () => {
    const id = videoId();
    const keys = [assetKey(id, 'video'), assetKey(id, 'thumbnail'), assetKey(id, 'spritesheet'), `inputs/${id}/reference`];
    for (const key of keys) await storage.put(key, generatedPayload(100).stream(), 'application/octet-stream');
    expect(await driver.listStored()).toEqual(keys.map((key) => driver.storedName(key)).sort());
    if (factory.kind === 's3') expect(driver.storedName(assetKey(id, 'video'))).toMatch(new RegExp(`^contract-[0-9a-f]{8}/videos/${id}/video$`));
  });

  it('refuses keys that climb out of the root', async () => {
    for (const key of ['../escape', 'videos/../../escape']) {
      await expect(storage.put(key, generatedPayload(10).stream(), 'text/plain')).rejects.toThrow(/escapes the root/);
      await expect(storage.get(key)).rejects.toThrow(/escapes the root/);
      await expect(storage.stat(key)).rejects.toThrow(/escapes the root/);
      await expect(storage.delete(key)).rejects.toThrow(/escapes the root/);
    }
  });

  describe('signed URLs', () => {
    const payload = generatedPayload(100_000);
    let key: string;

    beforeEach(async () => {
      key = assetKey(videoId(), 'video');
      await storage.put(key, payload.stream(), 'video/mp4');
    });

    it.runIf(factory.kind === 's3')('serves the bytes to a plain fetch, whole and by Range', async () => {
      const url = await storage.signedUrl(key, { expiresInSeconds: 300 });
      expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('300');
      expect(new URL(url).searchParams.has('x-amz-checksum-mode')).toBe(false);

      const whole = await fetch(url);
      expect(whole.status).toBe(200);
      expect(whole.headers.get('content-type')).toBe('video/mp4');
      expect(Buffer.from(await whole.arrayBuffer()).equals(payload.data)).toBe(true);

      const partial = await fetch(url, { headers: { range: 'bytes=10-19' } });
      expect(partial.status).toBe(206);
      expect(partial.headers.get('content-range')).toBe(`bytes 10-19/${payload.data.length}`);
      expect(Buffer.from(await partial.arrayBuffer()).equals(payload.data.subarray(10, 20))).toBe(true);
    });

    it.runIf(factory.kind === 's3')('asks for Content-Disposition: attachment when given a download name', async () => {
      const url = await storage.signedUrl(key, { expiresInSeconds: 300, downloadName: 'my vidéo "1".mp4' });
      const disposition = new URL(url).searchParams.get('response-content-disposition');
      expect(disposition).toMatch(/^attachment; filename="my vid\?o \\"1\\"\.mp4"; filename\*=UTF-8''my%20vid%C3%A9o%20%221%22\.mp4$/);
      // fauxqs ignores response-* overrides; s3-presign.test.ts sees the header come back from s3rver.
      const answer = await fetch(url);
      expect(answer.status).toBe(200);
      expect(Buffer.from(await answer.arrayBuffer()).equals(payload.data)).toBe(true);
    });

    it.runIf(factory.kind === 'local')('gives an API /files/ URL with its expiry and signature (the API serves it)', async () => {
      const before = Math.floor(Date.now() / 1000);
      const url = new URL(await storage.signedUrl(key, { expiresInSeconds: 300, baseUrl: 'http://api.test:3000/' }));
      expect(`${url.origin}${url.pathname}`).toBe(`http://api.test:3000/files/${key}`);
      const expires = Number(url.searchParams.get('expires'));
      expect(expires).toBeGreaterThanOrEqual(before + 300);
      expect(expires).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 300);
      expect(url.searchParams.get('signature')).toMatch(/^[\w-]{43}$/);
    });
  });
});
