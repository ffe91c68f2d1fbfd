// Keeps a long byte stream's memory near what it really holds, by asking V8 for a young-generation collection
// every RELEASE_EVERY_BYTES that pass through.
//
// Why: every socket read (provider download, S3 GET, S3 upload responses) lands in a fresh ArrayBuffer outside
// the JS heap. A byte stream makes almost no JS garbage per byte, so young-generation collections are rare,
// and V8 frees those dead buffers only once about 64 MB of external memory has piled up (its external-memory
// trigger). A 500 MB asset through the worker or the API then grew RSS by 80-100 MB of garbage, not of data held.
// A minor GC (a scavenge, well under a millisecond with a small young generation) frees them at once.
//
// `gc` without a command-line flag: `--expose-gc` set at run time installs `gc` in contexts created after it,
// so one new vm context hands us the function; the main context's globals stay untouched. Where that is not
// possible, releasing is a no-op and the streams work exactly as before.
//
// Measured with `npm run bench:storage` (500 MB, bench/README.md): RSS growth worker 93-103 MB → see the README,
// API 81-90 MB → see the README, with no measurable loss of throughput.
import { Transform, pipeline, type Readable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';

/** Bytes between two collections: well under V8's ~64 MB trigger, rare enough to cost nothing measurable. */
export const RELEASE_EVERY_BYTES = 16 * 1024 * 1024;

type GcFunction = (options: { type: 'minor' | 'major'; execution?: 'sync' | 'async' }) => void;

let minorGc: (() => void) | null | undefined;

function collector(): (() => void) | null {
  if (minorGc !== undefined) return minorGc;
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as GcFunction | undefined;
    minorGc = typeof gc === 'function' ? () => gc({ type: 'minor' }) : null;
  } catch {
    minorGc = null;
  }
  return minorGc;
}

/** A counter for one stream: `passed(n)` after each chunk; it collects each time another RELEASE_EVERY_BYTES went by. */
export function memoryReleaser(everyBytes = RELEASE_EVERY_BYTES): { passed(bytes: number): void } {
  const gc = collector();
  let sinceLast = 0;
  return {
    passed(bytes) {
      sinceLast += bytes;
      if (sinceLast < everyBytes || gc === null) return;
      sinceLast = 0;
      gc();
    },
  };
}

/** The same chunks, releasing memory as they pass: for loops over a body (`for await`). */
export async function* releasingMemory<T extends Uint8Array>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const releaser = memoryReleaser();
  for await (const chunk of source) {
    releaser.passed(chunk.byteLength);
    yield chunk;
  }
}

/**
 * The body piped through a pass-through that releases memory as bytes go by: for a Readable handed to someone else
 * (a Fastify reply). pipeline() ties the two: the body's error destroys the returned stream, and a reader that
 * goes away (a client that disconnects) destroys the body, so its socket is released.
 */
export function releasingMemoryStream(body: Readable): Readable {
  const releaser = memoryReleaser();
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      releaser.passed(chunk.length);
      done(null, chunk);
    },
  });
  // Errors arrive through the returned stream; the callback only keeps pipeline() from reporting them twice.
  return pipeline(body, tap, () => {});
}
