// What both drivers report of an object as it streams in: its byte count and sha256, taken in passing so
// nothing is read twice or held whole.
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { StoredObject } from './storage.ts';

export interface MeasuringStream {
  /** Pipe the body through this on its way to storage. */
  stream: Transform;
  /** What has passed through so far; call once the pipe has finished. */
  measured(): StoredObject;
}

export function measuringStream(): MeasuringStream {
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  return { stream, measured: () => ({ bytes, sha256: hash.digest('hex') }) };
}
