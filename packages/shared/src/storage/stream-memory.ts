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
// Measured with `npm run bench:storage` (500 MB, figures in bench/README.md): the API's RSS growth went from
// 81-90 MB to 0-28 MB with a minor GC every 16 MB; the worker needs a minor GC every 8 MB and a full one every
// 32 MB (and glibc's MALLOC_MMAP_THRESHOLD_ fixed) to come from 93-103 MB to 51-62 MB, for perhaps 10 % of its
// copy throughput (within the bench's noise). A stream that cannot afford that passes other options, or none.
import { Transform, pipeline, type Readable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';

/** Bytes between two collections: well under V8's ~64 MB trigger, rare enough to cost nothing measurable. */
export const RELEASE_EVERY_BYTES = 16 * 1024 * 1024;

type GcFunction = (options: { type: 'minor' | 'major'; execution?: 'sync' | 'async' }) => void;

let gcFunction: GcFunction | null | undefined;

function collector(): GcFunction | null {
  if (gcFunction !== undefined) return gcFunction;
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as GcFunction | undefined;
    gcFunction = typeof gc === 'function' ? gc : null;
  } catch {
    gcFunction = null;
  }
  return gcFunction;
}

export interface MemoryReleaserOptions {
  /** Bytes between two minor collections; RELEASE_EVERY_BYTES unless told. */
  everyBytes?: number;
  /**
   * Also a full collection every this many bytes (a multiple of `everyBytes`). For the worker: lib-storage's
   * 5 MiB part buffers live long enough to be promoted to the old generation, which a minor GC never frees.
   * Not for the API, where a full pause would stall every other request.
   */
  fullEveryBytes?: number;
}

/** A counter for one stream: `passed(n)` after each chunk; it collects each time another `everyBytes` went by. */
export function memoryReleaser({ everyBytes = RELEASE_EVERY_BYTES, fullEveryBytes }: MemoryReleaserOptions = {}): { passed(bytes: number): void } {
  const gc = collector();
  let sinceMinor = 0;
  let sinceFull = 0;
  return {
    passed(bytes) {
      sinceMinor += bytes;
      sinceFull += bytes;
      if (sinceMinor < everyBytes || gc === null) return;
      sinceMinor = 0;
      if (fullEveryBytes !== undefined && sinceFull >= fullEveryBytes) {
        sinceFull = 0;
        gc({ type: 'major' });
      } else {
        gc({ type: 'minor' });
      }
    },
  };
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
