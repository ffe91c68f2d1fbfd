// fauxqs as a process of its own, for benches and process tests (see startS3ServerProcess in s3-server.ts):
//   node packages/testkit/src/s3-server.main.ts [--port 0] [--bucket name]... [--storage-dir dir]
// Prints one JSON line {"endpoint","port","buckets"} once it listens; SIGTERM or SIGINT stops it.
import { parseArgs } from 'node:util';
import { startFauxqs } from 'fauxqs';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    bucket: { type: 'string', multiple: true, default: [] },
    'storage-dir': { type: 'string' },
  },
});

const storageDir = values['storage-dir'];
const fauxqs = await startFauxqs({
  port: Number(values.port),
  host: '127.0.0.1',
  logger: false,
  ...(storageDir ? { s3StorageDir: storageDir } : {}),
});
for (const bucket of values.bucket) fauxqs.createBucket(bucket);
process.stdout.write(`${JSON.stringify({ endpoint: `http://127.0.0.1:${fauxqs.port}`, port: fauxqs.port, buckets: values.bucket })}\n`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void fauxqs.stop().then(() => process.exit(0));
  });
}
