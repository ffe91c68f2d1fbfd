// An S3-compatible server for tests: fauxqs (an npm S3/SQS/SNS emulator) in this process on a free port, with
// a bucket of the test file's own. fauxqs speaks what the current SDK sends (aws-chunked bodies with trailing
// checksums, multipart, Range, presigned URLs) but never checks credentials or signatures: signing is tested
// against s3rver instead (packages/shared/test/s3-presign.test.ts).
// `startS3ServerProcess` runs the same server as a child process (s3-server.main.ts), for benches that measure
// the client's memory and for tests that kill processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { startFauxqs } from 'fauxqs';

/** fauxqs accepts any credentials; these are what the test's clients sign with. */
const TEST_CREDENTIALS = { accessKeyId: 'test-access-key', secretAccessKey: 'test-secret-key' } as const;
const TEST_REGION = 'us-east-1';

export interface TestS3Server {
  /** e.g. http://127.0.0.1:41234 */
  endpoint: string;
  port: number;
  /** The bucket made for this server's test file. */
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The same pair, in the shape S3Client's `credentials` option takes. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Environment for a process (or loadConfig) that should store in this bucket with STORAGE_DRIVER=s3. */
  configEnv: Record<string, string>;
  /** A client for this server (path-style, checksums only when required), for a test's own look at the bucket. */
  client: S3Client;
  /** Another empty bucket on the same server, e.g. for a test that must not see the others' objects. */
  createBucket(label?: string): Promise<string>;
  /** Every key in the bucket (or in `bucket`) under `prefix`, sorted. */
  listKeys(prefix?: string, bucket?: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** A valid, unique bucket name: lowercase, 3–63 characters. */
export function testBucketName(label = 'test'): string {
  const slug = label.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'test';
  return `${slug}-${randomBytes(5).toString('hex')}`;
}

/**
 * Starts fauxqs in this process. Cheap (a Fastify app in memory, well under a second), so start one per test file.
 * It also puts the test credentials into this process's AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY when they are
 * unset, so a storage built in-process by createStorage(config) finds them through the SDK's default chain, as a
 * deployment does (fauxqs accepts any credentials; without some, the SDK would refuse to sign).
 */
export async function startTestS3Server(opts: { label?: string } = {}): Promise<TestS3Server> {
  process.env.AWS_ACCESS_KEY_ID ??= TEST_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY ??= TEST_CREDENTIALS.secretAccessKey;
  const fauxqs = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false, defaultRegion: TEST_REGION });
  const bucket = testBucketName(opts.label);
  fauxqs.createBucket(bucket);
  const server = describeS3Server(`http://127.0.0.1:${fauxqs.port}`, bucket, async () => {
    await fauxqs.stop();
  });
  return server;
}

/** A TestS3Server over any S3-compatible endpoint whose bucket already exists. */
export function describeS3Server(endpoint: string, bucket: string, stopServer: () => Promise<void>): TestS3Server {
  const client = new S3Client({
    endpoint,
    region: TEST_REGION,
    forcePathStyle: true,
    credentials: TEST_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    endpoint,
    port: Number(new URL(endpoint).port),
    bucket,
    region: TEST_REGION,
    ...TEST_CREDENTIALS,
    credentials: { ...TEST_CREDENTIALS },
    configEnv: {
      STORAGE_DRIVER: 's3',
      S3_BUCKET: bucket,
      S3_ENDPOINT: endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      S3_REGION: TEST_REGION,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    },
    client,
    async createBucket(label) {
      const name = testBucketName(label);
      await client.send(new CreateBucketCommand({ Bucket: name }));
      return name;
    },
    async listKeys(prefix = '', inBucket = bucket) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: inBucket, Prefix: prefix, ContinuationToken: token }));
        for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
      return keys.sort();
    },
    async stop() {
      client.destroy();
      await stopServer();
    },
  };
}

export interface S3ServerProcess extends TestS3Server {
  pid: number;
  /** SIGKILL, for tests of a server that vanishes. */
  kill(): void;
}

/** Servers still running when the test process exits (a crash, a timeout) are killed, not left behind. */
const runningProcesses = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of runningProcesses) child.kill('SIGKILL');
});

const mainScript = fileURLToPath(new URL('./s3-server.main.ts', import.meta.url));

/**
 * The same server in a child process (so its memory is not the test's), ready when this resolves.
 * `storageDir` keeps object bodies on disk instead of in the child's memory, for large benches.
 */
export async function startS3ServerProcess(opts: { label?: string; storageDir?: string } = {}): Promise<S3ServerProcess> {
  const bucket = testBucketName(opts.label);
  const args = [mainScript, '--bucket', bucket, ...(opts.storageDir ? ['--storage-dir', opts.storageDir] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  runningProcesses.add(child);
  child.once('exit', () => runningProcesses.delete(child));
  const endpoint = await readReadyLine(child);
  const server = describeS3Server(endpoint, bucket, async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  });
  return { ...server, pid: child.pid ?? -1, kill: () => child.kill('SIGKILL') };
}

/** The child prints one JSON line `{"endpoint": ...}` once it listens. */
async function readReadyLine(child: ChildProcess): Promise<string> {
  const stdout = child.stdout;
  if (!stdout) throw new Error('s3-server.main.ts has no stdout');
  let buffered = '';
  return await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('s3-server.main.ts did not start within 15 s')), 15_000);
    function fail(error: Error): void {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    }
    const exitedEarly = (code: number | null, signal: string | null): void =>
      fail(new Error(`s3-server.main.ts exited (${code ?? signal}) before it was ready`));
    child.once('exit', exitedEarly);
    stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      child.off('exit', exitedEarly);
      resolve((JSON.parse(buffered.slice(0, newline)) as { endpoint: string }).endpoint);
    });
  });
}
