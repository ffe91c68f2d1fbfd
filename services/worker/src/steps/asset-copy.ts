// Copying one variant from the provider into our storage, and proving the copy. The bytes are counted and
// hashed as they arrive, before storage sees them; the object is then checked three ways: the provider's
// Content-Length, what storage says it wrote, and a streamed read back of the stored object. Any mismatch
// removes the object and throws a retryable error; only a verified object is returned, for finalize to write
// its video_assets row (all of a video's rows in one statement), so the API never serves an unverified one.
// Nothing is buffered whole: a 500 MB video streams through, and both passes release socket buffers as they go
// (stream-memory.ts), so the worker's memory stays near what it holds.
import { createHash } from 'node:crypto';
import { assetKey, memoryReleaser, type VideoAsset, type VideoVariant } from '@sora-studio/shared';
import { AssetVerificationError, IncompleteDownloadError } from '../pipeline/step-errors.ts';
import type { PipelineDeps } from '../video-pipeline.deps.ts';

/**
 * Tighter than the default (stream-memory.ts): lib-storage's part buffers reach the old generation, which only a
 * full GC frees; about 30 full GCs for a 500 MB copy and its read-back, and the worker stays under +64 MB RSS.
 */
const WORKER_RELEASE = { everyBytes: 8 * 1024 * 1024, fullEveryBytes: 32 * 1024 * 1024 };

/** A stream's length and sha256. */
export interface AssetDigest {
  bytes: number;
  sha256: string;
}

/** A stored and verified copy: the video_assets row to write. */
export type VerifiedAsset = Omit<VideoAsset, 'createdAt'>;

export async function copyAsset(videoId: string, providerVideoId: string, variant: VideoVariant, deps: PipelineDeps): Promise<VerifiedAsset> {
  const content = await deps.provider.downloadContent(providerVideoId, variant);
  const storageKey = assetKey(videoId, variant);
  const received = digestOnTheWay(content.body);
  let stored;
  try {
    stored = await deps.storage.put(storageKey, received.body, content.contentType);
  } catch (error) {
    // Whatever reached storage of a download cut mid-body must not stay at the key.
    await removeQuietly(storageKey, deps);
    throw error;
  }
  const arrived = received.digest();
  try {
    // A cut connection can end a stream early without an error; such an asset must never be recorded as done.
    if (arrived.bytes === 0 || (content.contentLength !== null && arrived.bytes !== content.contentLength)) {
      throw new IncompleteDownloadError({ providerVideoId, variant, receivedBytes: arrived.bytes, expectedBytes: content.contentLength });
    }
    const mismatch = differs('storage wrote', stored, arrived) ?? differs('the stored object reads back as', await readBack(storageKey, deps), arrived);
    if (mismatch !== null) throw new AssetVerificationError({ variant, storageKey, what: mismatch });
  } catch (error) {
    await removeQuietly(storageKey, deps);
    throw error;
  }
  deps.logger.debug({ variant, bytes: arrived.bytes, sha256: arrived.sha256 }, 'asset stored and verified');
  return { videoId, variant, storageKey, bytes: arrived.bytes, sha256: arrived.sha256, contentType: content.contentType };
}

/** Passes the body on unchanged, counting and hashing it; `digest()` once the body has been read to its end. */
function digestOnTheWay(body: AsyncIterable<Uint8Array>): { body: AsyncIterable<Uint8Array>; digest: () => AssetDigest } {
  const hash = createHash('sha256');
  const releaser = memoryReleaser(WORKER_RELEASE);
  let bytes = 0;
  async function* tapped(): AsyncGenerator<Uint8Array> {
    for await (const chunk of body) {
      hash.update(chunk);
      bytes += chunk.length;
      releaser.passed(chunk.length);
      yield chunk;
    }
  }
  return { body: tapped(), digest: () => ({ bytes, sha256: hash.digest('hex') }) };
}

/** Hashes the stored object as it streams past; nothing of it is kept. */
async function readBack(storageKey: string, deps: PipelineDeps): Promise<AssetDigest> {
  const hash = createHash('sha256');
  const releaser = memoryReleaser(WORKER_RELEASE);
  let bytes = 0;
  for await (const chunk of await deps.storage.get(storageKey)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
    releaser.passed((chunk as Buffer).length);
  }
  return { bytes, sha256: hash.digest('hex') };
}

function differs(what: string, actual: AssetDigest, expected: AssetDigest): string | null {
  if (actual.bytes !== expected.bytes) return `${what} ${actual.bytes} bytes, ${expected.bytes} arrived`;
  if (actual.sha256 !== expected.sha256) return `${what} sha256 ${actual.sha256}, ${expected.sha256} arrived`;
  return null;
}

async function removeQuietly(storageKey: string, deps: PipelineDeps): Promise<void> {
  try {
    await deps.storage.delete(storageKey);
  } catch (error) {
    deps.logger.warn({ err: error, storageKey }, 'could not remove an unverified asset');
  }
}
