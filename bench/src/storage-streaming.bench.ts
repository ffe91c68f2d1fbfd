// `npm run bench:storage`: a 500 MB video (the emulator's asset_bytes) goes provider → worker → S3 → API → client,
// each a process of its own, while the worker's and the API's resident memory is sampled every 100 ms. Prints the
// baseline, the peak and the growth of each, the copy and download throughputs, and one JSON line. The target is
// under 64 MB of growth for both: assets are streamed, never held whole.
import { findVideo, type Db } from '@sora-studio/shared';
import { waitFor } from '@sora-studio/testkit';
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import OpenAI from 'openai';
import { z } from 'zod';
import { sampleRss, residentBytes } from './process-rss.ts';
import { withStorageStack, type StorageStack } from './storage-stack.ts';

/** `-- --bytes N` measures another size (up to the emulator's 2 GiB): growth that stays put as N grows is streaming. */
const ASSET_BYTES = z.coerce.number().int().min(1_000_000).max(2 * 1024 ** 3).parse(
  parseArgs({ options: { bytes: { type: 'string', default: '524288000' } } }).values.bytes,
);
const GROWTH_TARGET_BYTES = 64 * 1024 * 1024;
const MB = 1024 * 1024;
/** Ten minutes, or longer for a bigger asset: at least 1 MB/s each way on a busy machine. */
const TIMEOUT_MS = Math.max(600_000, (2 * ASSET_BYTES / MB) * 1000);

interface ProcessMemory {
  baselineMb: number;
  peakMb: number;
  growthMb: number;
}

export interface StorageStreamingFigures {
  assetBytes: number;
  worker: ProcessMemory;
  api: ProcessMemory;
  /** Provider → S3 as the worker's finalize did it: from the poll that saw completion to the video's completion. */
  copySeconds: number;
  copyMBps: number;
  /** GET /v1/videos/{id}/content, streamed to nowhere and hashed by the client. */
  downloadSeconds: number;
  downloadMBps: number;
  sha256Matches: boolean;
  withinTarget: boolean;
}

const memory = (baseline: number, peak: number): ProcessMemory => ({
  baselineMb: baseline / MB, peakMb: peak / MB, growthMb: Math.max(0, peak - baseline) / MB,
});

async function measure(stack: StorageStack): Promise<StorageStreamingFigures> {
  const db = stack.environment.testDb.db;
  const client = new OpenAI({ apiKey: stack.user.apiKey, baseURL: `${stack.apiOrigin}/v1`, maxRetries: 0 });

  // A small video first, end to end, so the baselines are of processes that have done the work once (code loaded,
  // pools open, the S3 client built) and the growth is what the 500 MB adds.
  console.log('warming up with a small video…');
  const small = await client.videos.create({ prompt: 'a warm-up video' });
  await completed(db, small.id);
  await streamedDigest(await contentOf(stack, small.id));

  const baseline = { worker: await residentBytes(stack.worker.pid), api: await residentBytes(stack.api.pid) };
  const samplers = { worker: sampleRss(stack.worker.pid), api: sampleRss(stack.api.pid) };
  try {
    console.log(`copying a ${ASSET_BYTES / MB} MB video provider → S3…`);
    // Still rendering when submitted, so the poll that sees it done writes the provider_status event finalize is timed from.
    const big = await client.videos.create({ prompt: `a very large video [[emulator:asset_bytes=${ASSET_BYTES} render_ms=1000]]` });
    const video = await completed(db, big.id);
    const copySeconds = await copySecondsOf(db, big.id);

    console.log('downloading it through the API…');
    const startedMs = performance.now();
    const downloaded = await streamedDigest(await contentOf(stack, big.id));
    const downloadSeconds = (performance.now() - startedMs) / 1000;
    const peaks = { worker: samplers.worker.peak(), api: samplers.api.peak() };
    await Promise.all([samplers.worker.stop(), samplers.api.stop()]);

    // The emulator's own bytes, read straight from it, are what both copies must equal.
    const provided = await streamedDigest(await fetch(`${stack.emulator.baseUrl}/videos/${video.providerVideoId}/content`, { headers: { authorization: 'Bearer bench' } }));
    const worker = memory(baseline.worker, peaks.worker);
    const api = memory(baseline.api, peaks.api);
    return {
      assetBytes: downloaded.bytes,
      worker,
      api,
      copySeconds,
      copyMBps: ASSET_BYTES / MB / copySeconds,
      downloadSeconds,
      downloadMBps: downloaded.bytes / MB / downloadSeconds,
      sha256Matches: downloaded.bytes === ASSET_BYTES && provided.sha256 === downloaded.sha256,
      withinTarget: Math.max(worker.growthMb, api.growthMb) * MB < GROWTH_TARGET_BYTES,
    };
  } finally {
    await Promise.all([samplers.worker.stop(), samplers.api.stop()]);
  }
}

function completed(db: Db, videoId: string): Promise<NonNullable<Awaited<ReturnType<typeof findVideo>>>> {
  return waitFor(async () => {
    const video = await findVideo(db, videoId);
    if (video?.status === 'failed') throw new Error(`video ${videoId} failed: ${video.errorCode ?? ""} ${video.errorMessage ?? ""}`);
    return video?.status === 'completed' && video;
  }, { timeoutMs: TIMEOUT_MS, intervalMs: 100, what: `video ${videoId} to complete` }).catch(async (error: unknown) => {
    const video = await findVideo(db, videoId);
    console.error(`video ${videoId} is ${video?.status ?? 'gone'}, provider ${video?.providerStatus ?? '?'}, stalled ${video?.stalledReason ?? 'no'}`);
    throw error;
  });
}

/** Finalize's time, from the events the worker wrote: the poll that saw the provider done, then the completion. */
async function copySecondsOf(db: Db, videoId: string): Promise<number> {
  const events = await db.selectFrom('videoEvents').select(['type', 'data', 'createdAt']).where('videoId', '=', videoId).orderBy('id').execute();
  const seenDone = events.find((event) => event.type === 'video.provider_status' && event.data.provider_status === 'completed');
  const done = events.find((event) => event.type === 'video.completed');
  if (!seenDone || !done) throw new Error(`video ${videoId} lacks its provider_status=completed or completed event`);
  return (done.createdAt.getTime() - seenDone.createdAt.getTime()) / 1000;
}

function contentOf(stack: StorageStack, videoId: string): Promise<Response> {
  return fetch(`${stack.apiOrigin}/v1/videos/${videoId}/content`, { headers: { authorization: `Bearer ${stack.user.apiKey}` } });
}

/** Reads a download to its end, hashing it on the way; nothing is kept. */
async function streamedDigest(response: Response): Promise<{ bytes: number; sha256: string }> {
  if (!response.ok || !response.body) throw new Error(`download answered ${response.status}: ${await response.text()}`);
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of response.body) {
    hash.update(chunk);
    bytes += chunk.byteLength;
  }
  return { bytes, sha256: hash.digest('hex') };
}

function renderTable(figures: StorageStreamingFigures): string {
  const mb = (value: number) => `${value.toFixed(1)} MB`;
  const rows: [string, string][] = [
    [`asset`, `${(figures.assetBytes / MB).toFixed(0)} MB, sha256 ${figures.sha256Matches ? 'matches the provider' : 'DIFFERS'}`],
    ['worker RSS baseline / peak / growth', `${mb(figures.worker.baselineMb)} / ${mb(figures.worker.peakMb)} / ${mb(figures.worker.growthMb)}`],
    ['API RSS baseline / peak / growth', `${mb(figures.api.baselineMb)} / ${mb(figures.api.peakMb)} / ${mb(figures.api.growthMb)}`],
    ['copy provider → S3 (finalize)', `${figures.copySeconds.toFixed(2)} s, ${figures.copyMBps.toFixed(1)} MB/s`],
    ['download S3 → API → client', `${figures.downloadSeconds.toFixed(2)} s, ${figures.downloadMBps.toFixed(1)} MB/s`],
    ['growth < 64 MB for both', figures.withinTarget ? 'yes' : 'NO'],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, value]) => `${name.padEnd(width)}  ${value}`).join('\n');
}

const figures = await withStorageStack(measure);
console.log(`\n${renderTable(figures)}\n`);
const round = (value: unknown) => (typeof value === 'number' && !Number.isInteger(value) ? Number(value.toFixed(3)) : value);
console.log(JSON.stringify({ bench: 'sora-studio-storage', at: new Date().toISOString(), ...figures }, (_key, value: unknown) => round(value)));
if (!figures.sha256Matches) process.exitCode = 1;
