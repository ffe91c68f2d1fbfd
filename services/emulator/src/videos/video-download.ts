// The body of a content download, as a stream: the asset's chunks, paced to `download_rate` and cut short for
// `download_cut`. The stream is pulled, so a slow client slows the generator (backpressure), and pacing waits on
// timers, so a throttled download costs no CPU while it waits.
import type { Buffer } from 'node:buffer';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

export interface VideoDownload {
  contentType: 'video/mp4' | 'image/jpeg';
  /** The whole asset's length: the Content-Length, sent even when the body is then cut. */
  length: number;
  body: Readable;
}

export interface DownloadShaping {
  /** Send about this many bytes per second. */
  bytesPerSecond?: number | undefined;
  /** Stop after this many bytes and fail the stream, which makes Fastify destroy the connection mid-body. */
  cutAfterBytes?: number | undefined;
}

/** Pacing in slices of about a twentieth of a second, so the rate holds within a second and timers stay few. */
const SLICES_PER_SECOND = 20;
const MAX_SLICE_BYTES = 64 * 1024;

/** Thrown inside the body stream at the cut; the client only sees its connection end early. */
export class EmulatedDownloadCut extends Error {
  constructor(sentBytes: number) {
    super(`download cut after ${sentBytes} bytes (emulated: [[emulator:download_cut]])`);
  }
}

export function downloadBody(chunks: Iterable<Buffer>, shaping: DownloadShaping = {}): Readable {
  return Readable.from(shapedChunks(chunks, shaping), { objectMode: false, highWaterMark: MAX_SLICE_BYTES });
}

async function* shapedChunks(chunks: Iterable<Buffer>, shaping: DownloadShaping): AsyncGenerator<Buffer> {
  const { bytesPerSecond, cutAfterBytes = Infinity } = shaping;
  const sliceBytes = bytesPerSecond === undefined ? Infinity : Math.max(1, Math.min(MAX_SLICE_BYTES, Math.floor(bytesPerSecond / SLICES_PER_SECOND)));
  const startedMs = performance.now();
  let sent = 0;
  for (const chunk of chunks) {
    for (let offset = 0; offset < chunk.length; offset += sliceBytes) {
      let slice = chunk.subarray(offset, Math.min(chunk.length, offset + sliceBytes));
      if (sent + slice.length > cutAfterBytes) slice = slice.subarray(0, cutAfterBytes - sent);
      if (bytesPerSecond !== undefined) {
        // Due when the bytes already sent have taken their share of time at the scripted rate.
        const waitMs = startedMs + (sent / bytesPerSecond) * 1000 - performance.now();
        if (waitMs > 0) await sleep(waitMs);
      }
      if (slice.length > 0) yield slice;
      sent += slice.length;
      if (sent >= cutAfterBytes) throw new EmulatedDownloadCut(sent);
    }
  }
}
