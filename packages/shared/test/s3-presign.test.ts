// Signing and expiry of the S3 driver's URLs. fauxqs (the contract suite's server) checks no credentials at all;
// s3rver 3.7.1 checks the access key and a presigned URL's expiry over HTTP, but not SigV4 signatures themselves
// (its source says so), so signatures are recomputed by an independent SigV4 implementation (aws4). s3rver also
// refuses the aws-chunked bodies that WHEN_SUPPORTED checksums send for streams: the driver runs here with
// `when_required`, as it does against S3-compatible servers.
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createTempDir, type TempDir } from '@sora-studio/testkit';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { S3Storage, assetKey, createStorage, loadConfig } from '../src/index.ts';
import { sigV4SignatureMatches } from './support/sigv4-reference.ts';
import { generatedPayload } from './support/storage-contract.drivers.ts';

/** s3rver's built-in account. */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const BUCKET = 'presign-test';

let server: S3rver;
let dir: TempDir;
let endpoint: string;
let storage: S3Storage;

function driver(credentials = CREDENTIALS, checksums: 'when_required' | 'when_supported' = 'when_required'): S3Storage {
  return new S3Storage({ bucket: BUCKET, region: 'us-east-1', endpoint, forcePathStyle: true, prefix: 'studio/', checksums, credentials });
}

beforeAll(async () => {
  dir = await createTempDir('s3rver');
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir.path, configureBuckets: [{ name: BUCKET, configs: [] }] });
  const address = await server.run();
  endpoint = `http://127.0.0.1:${address.port}`;
  storage = driver();
});
afterAll(async () => {
  await storage.close();
  await server.close();
  await dir.remove();
});

/** A stored object and a URL the driver signed for it. */
async function storedObject(bytes = 50_000) {
  const payload = generatedPayload(bytes);
  const key = assetKey(`video_${randomBytes(6).toString('hex')}`, 'video');
  await storage.put(key, payload.stream(), 'video/mp4');
  return { key, data: payload.data };
}

/** The S3 error code in an error reply's XML, e.g. SignatureDoesNotMatch. */
async function errorCode(answer: Response): Promise<string | undefined> {
  return /<Code>([^<]+)<\/Code>/.exec(await answer.text())?.[1];
}

describe('S3Storage on s3rver, which authenticates access keys', () => {
  it('uploads a stream of unknown length with checksums when_required, single request and multipart', async () => {
    for (const bytes of [100_000, 17 * 1024 * 1024]) {
      const payload = generatedPayload(bytes);
      const key = assetKey(`video_${randomBytes(6).toString('hex')}`, 'video');
      const stored = await storage.put(key, payload.stream(), 'video/mp4');
      expect(stored.sha256).toBe(createHash('sha256').update(payload.data).digest('hex'));
      expect((await buffer(await storage.get(key))).equals(payload.data)).toBe(true);
    }
  });

  it('is refused for an access key the server does not know (the server does authenticate)', async () => {
    const impostor = driver({ accessKeyId: 'NOT-AN-ACCOUNT', secretAccessKey: 'S3RVER' });
    await expect(impostor.put(assetKey('video_x', 'video'), generatedPayload(10).stream(), 'video/mp4')).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });
    await impostor.close();
  });
});

describe('presigned GET URLs', () => {
  it('serve the object whole and by Range to a plain fetch', async () => {
    const { key, data } = await storedObject();
    const url = await storage.signedUrl(key, { expiresInSeconds: 120 });
    expect(new URL(url).pathname).toBe(`/${BUCKET}/studio/${key}`);

    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(data)).toBe(true);

    const partial = await fetch(url, { headers: { range: 'bytes=100-199' } });
    expect(partial.status).toBe(206);
    expect(Buffer.from(await partial.arrayBuffer()).equals(data.subarray(100, 200))).toBe(true);
  });

  it('name S3_PUBLIC_ENDPOINT when the service reaches S3 by another name, and are signed for that host', async () => {
    const { key, data } = await storedObject();
    const port = new URL(endpoint).port;
    const publicEndpoint = `http://localhost:${port}`;
    // Through config and createStorage, as a deployment builds it; credentials come from the SDK's default chain.
    vi.stubEnv('AWS_ACCESS_KEY_ID', CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', CREDENTIALS.secretAccessKey);
    const config = loadConfig({
      NODE_ENV: 'test', STORAGE_DRIVER: 's3', S3_BUCKET: BUCKET, S3_ENDPOINT: endpoint, S3_PUBLIC_ENDPOINT: publicEndpoint,
      S3_FORCE_PATH_STYLE: 'true', S3_PREFIX: 'studio/',
    });
    const internal = createStorage(config);
    try {
      const url = new URL(await internal.signedUrl(key, { expiresInSeconds: 120 }));
      expect(url.origin).toBe(publicEndpoint);
      expect(url.pathname).toBe(`/${BUCKET}/studio/${key}`);
      expect(sigV4SignatureMatches(url, CREDENTIALS)).toBe(true);
      // SigV4 signs the host: the same URL on the internal name does not verify.
      const internalHost = new URL(url);
      internalHost.host = new URL(endpoint).host;
      expect(sigV4SignatureMatches(internalHost, CREDENTIALS)).toBe(false);

      const answer = await fetch(url);
      expect(answer.status).toBe(200);
      expect(Buffer.from(await answer.arrayBuffer()).equals(data)).toBe(true);
      // The driver itself still talks to the internal endpoint.
      expect((await buffer(await internal.get(key))).equals(data)).toBe(true);
    } finally {
      await internal.close?.();
      vi.unstubAllEnvs();
    }
  });

  it('name S3_ENDPOINT when S3_PUBLIC_ENDPOINT is unset', async () => {
    const { key } = await storedObject(100);
    expect(new URL(await storage.signedUrl(key, { expiresInSeconds: 120 })).origin).toBe(endpoint);
  });

  it('answer with Content-Disposition: attachment and the download name', async () => {
    const { key } = await storedObject(100);
    const url = await storage.signedUrl(key, { expiresInSeconds: 120, downloadName: 'sunset café.mp4' });
    const answer = await fetch(url);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-disposition')).toBe(`attachment; filename="sunset caf?.mp4"; filename*=UTF-8''sunset%20caf%C3%A9.mp4`);
    await answer.arrayBuffer();
  });

  it('carry a correct SigV4 signature that covers the key, the lifetime and the download name', async () => {
    const { key } = await storedObject(100);
    const other = await storedObject(100);
    const url = new URL(await storage.signedUrl(key, { expiresInSeconds: 120, downloadName: 'clip.mp4' }));
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('120');
    expect(sigV4SignatureMatches(url, CREDENTIALS)).toBe(true);
    expect(sigV4SignatureMatches(url, { ...CREDENTIALS, secretAccessKey: 'another-secret' })).toBe(false);

    const signature = url.searchParams.get('X-Amz-Signature') ?? '';
    const flipped = new URL(url);
    flipped.searchParams.set('X-Amz-Signature', `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`);
    const otherKey = new URL(url);
    otherKey.pathname = `/${BUCKET}/studio/${other.key}`;
    const longer = new URL(url);
    longer.searchParams.set('X-Amz-Expires', '604800');
    const renamed = new URL(url);
    renamed.searchParams.set('response-content-disposition', 'attachment; filename="other.exe"');
    for (const tampered of [flipped, otherKey, longer, renamed]) expect(sigV4SignatureMatches(tampered, CREDENTIALS), tampered.toString()).toBe(false);
  });

  it('are refused with 403 for an access key the server does not know', async () => {
    const { key } = await storedObject(100);
    const stranger = driver({ accessKeyId: 'NOT-AN-ACCOUNT', secretAccessKey: 'S3RVER' });
    const answer = await fetch(await stranger.signedUrl(key, { expiresInSeconds: 120 }));
    await stranger.close();
    expect(answer.status).toBe(403);
    expect(await errorCode(answer)).toBe('InvalidAccessKeyId');
  });

  it('are refused with 403 once expired', async () => {
    const { key } = await storedObject(100);
    // Signed two minutes ago for one minute: expired a minute ago, with no waiting and no clock tricks.
    const presigner = new S3Client({
      region: 'us-east-1', endpoint, forcePathStyle: true, credentials: CREDENTIALS,
      requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const command = new GetObjectCommand({ Bucket: BUCKET, Key: `studio/${key}` });
    const expired = await getSignedUrl(presigner, command, { expiresIn: 60, signingDate: new Date(Date.now() - 120_000) });
    const live = await getSignedUrl(presigner, command, { expiresIn: 60, signingDate: new Date(Date.now() - 30_000) });
    presigner.destroy();

    const answer = await fetch(expired);
    expect(answer.status).toBe(403);
    expect(await errorCode(answer)).toBe('AccessDenied');
    expect((await fetch(live)).status).toBe(200);
  });

  it('carry no checksum parameters, even from a driver whose uploads use checksums when_supported', async () => {
    const supported = driver(CREDENTIALS, 'when_supported');
    const { key, data } = await storedObject(100);
    const url = new URL(await supported.signedUrl(key, { expiresInSeconds: 120 }));
    await supported.close();
    expect([...url.searchParams.keys()].filter((name) => /checksum/i.test(name))).toEqual([]);
    const answer = await fetch(url);
    expect(answer.status).toBe(200);
    expect(Buffer.from(await answer.arrayBuffer()).equals(data)).toBe(true);
  });
});

describe('why the checksum setting matters on S3-compatible servers', () => {
  it('a stream PutObject with WHEN_SUPPORTED goes aws-chunked, and s3rver stores the chunk framing as the bytes', async () => {
    const roundtrip = async (checksums: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED'): Promise<string> => {
      const client = new S3Client({
        region: 'us-east-1', endpoint, forcePathStyle: true, credentials: CREDENTIALS,
        requestChecksumCalculation: checksums, responseChecksumValidation: 'WHEN_REQUIRED',
      });
      try {
        const Key = `studio/chunked-${checksums}`;
        await client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Readable.from([Buffer.from('hello')]), ContentLength: 5 }));
        const answer = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key }));
        return await (answer.Body as Readable & { transformToString(): Promise<string> }).transformToString();
      } finally {
        client.destroy();
      }
    };
    // A server that does not speak aws-chunked corrupts the object without an error: hence when_required.
    expect(await roundtrip('WHEN_SUPPORTED')).toMatch(/^5\r\nhello\r\n0\r\nx-amz-checksum-crc32:/);
    expect(await roundtrip('WHEN_REQUIRED')).toBe('hello');
  });

  it('the driver presigns with WHEN_REQUIRED because a PUT presigned by a WHEN_SUPPORTED client bakes an empty body\'s CRC32 into the URL', async () => {
    const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: CREDENTIALS });
    const url = new URL(await getSignedUrl(client, new PutObjectCommand({ Bucket: BUCKET, Key: 'studio/x' }), { expiresIn: 60 }));
    client.destroy();
    expect(url.searchParams.get('x-amz-checksum-crc32')).toBe('AAAAAA==');
  });
});
