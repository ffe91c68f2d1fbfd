// Bench: S3Storage.put of a generated stream of unknown length to fauxqs in a process of its own, then a get of
// it streamed to nowhere; prints MB/s and how far this process's RSS rose above where it started.
//   npm run bench:s3-upload -- [megabytes=200] [maxRssGrowthMb] [--live]
//   (or node --expose-gc bench/src/s3-upload.bench.ts …)
// With maxRssGrowthMb, exits 1 when either direction's RSS growth exceeds it. With `--live` (and --expose-gc) each
// sample is taken right after a forced GC, so the figures are what is really held, without the Buffer garbage
// V8 leaves for later (it collects once external memory has grown by about 64 MiB).
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import { S3Storage } from '@sora-studio/shared';
import { createTempDir, startS3ServerProcess } from '@sora-studio/testkit';

const MiB = 1024 * 1024;
const args = process.argv.slice(2).filter((arg) => arg !== '--live');
const live = process.argv.includes('--live');
const megabytes = Number(args[0] ?? 200);
const limitMb = args[1] === undefined ? undefined : Number(args[1]);

/** `total` bytes in 64 KiB chunks cut from one random MiB: cheap to make, nothing kept. */
function generated(total: number): Readable {
  const block = randomBytes(MiB);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const size = Math.min(64 * 1024, total - sent);
      const offset = sent % MiB;
      this.push(Buffer.from(block.subarray(offset, Math.min(MiB, offset + size))));
      sent += Math.min(size, MiB - offset);
    },
  });
}

/** Samples RSS every 20 ms while `work` runs; returns the peak growth over the RSS at the start. */
async function measured<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number; rssGrowthMb: number; buffersGrowthMb: number }> {
  globalThis.gc?.();
  const start = process.memoryUsage();
  let peak = start.rss;
  // heapUsed + external: what JavaScript holds, garbage not yet collected included (Buffers live outside the heap).
  const held = (usage: NodeJS.MemoryUsage) => usage.heapUsed + usage.external;
  let peakHeld = held(start);
  const sample = () => {
    if (live) globalThis.gc?.();
    const usage = process.memoryUsage();
    peak = Math.max(peak, usage.rss);
    peakHeld = Math.max(peakHeld, held(usage));
  };
  const sampler = setInterval(sample, live ? 100 : 20);
  const started = performance.now();
  try {
    const result = await work();
    sample();
    return {
      result, seconds: (performance.now() - started) / 1000, rssGrowthMb: (peak - start.rss) / MiB, buffersGrowthMb: (peakHeld - held(start)) / MiB,
    };
  } finally {
    clearInterval(sampler);
  }
}

const dir = await createTempDir('s3-bench');
const server = await startS3ServerProcess({ label: 's3-bench', storageDir: dir.path });
const storage = new S3Storage({
  bucket: server.bucket, region: server.region, endpoint: server.endpoint, forcePathStyle: true, prefix: 'bench/',
  checksums: 'when_required', credentials: server.credentials,
});
try {
  const bytes = megabytes * MiB;
  // Warm up first (the SDK loads its modules and credential chain on first use), so what is measured is the stream.
  await storage.put('videos/video_bench/warmup', generated(9 * MiB), 'video/mp4');
  await pipeline(await storage.get('videos/video_bench/warmup'), new Writable({ write: (_chunk, _encoding, done) => done() }));
  const up = await measured(() => storage.put('videos/video_bench/video', generated(bytes), 'video/mp4'));
  if (up.result.bytes !== bytes) throw new Error(`stored ${up.result.bytes} bytes, expected ${bytes}`);
  let received = 0;
  const down = await measured(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        done();
      },
    });
    await pipeline(await storage.get('videos/video_bench/video'), sink);
  });
  if (received !== bytes) throw new Error(`read ${received} bytes, expected ${bytes}`);
  const line = (what: string, run: { seconds: number; rssGrowthMb: number; buffersGrowthMb: number }) =>
    `${what}: ${megabytes} MiB in ${run.seconds.toFixed(1)} s = ${(megabytes / run.seconds).toFixed(1)} MiB/s, ` +
    `RSS growth ${run.rssGrowthMb.toFixed(1)} MiB (heap + buffers ${run.buffersGrowthMb.toFixed(1)} MiB)`;
  process.stdout.write(`${line('put', up)}\n`);
  process.stdout.write(`${line('get', down)}\n`);
  if (limitMb !== undefined && Math.max(up.rssGrowthMb, down.rssGrowthMb) > limitMb) {
    console.error(`RSS grew by more than ${limitMb} MiB`);
    process.exitCode = 1;
  }
} finally {
  await storage.close();
  await server.stop();
  await dir.remove();
}
