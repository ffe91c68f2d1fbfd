// The memory releaser sits in the middle of every long download the API serves, so it must pass bytes unchanged,
// carry a source's failure to the reader, and let a reader that goes away release the source.
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { memoryReleaser, releasingMemoryStream } from '../src/index.ts';

const MiB = 1024 * 1024;

function chunks(count: number, size: number): Buffer[] {
  return Array.from({ length: count }, () => randomBytes(size));
}

describe('releasingMemoryStream', () => {
  it('passes every byte through unchanged, across several release points', async () => {
    const parts = chunks(40, MiB);
    const out = await buffer(releasingMemoryStream(Readable.from(parts)));
    expect(createHash('sha256').update(out).digest('hex')).toBe(createHash('sha256').update(Buffer.concat(parts)).digest('hex'));
  });

  it('fails the reader when the source fails', async () => {
    const source = new Readable({ read() { this.destroy(new Error('socket cut')); } });
    await expect(buffer(releasingMemoryStream(source))).rejects.toThrow('socket cut');
  });

  it('destroys the source when the reader goes away', async () => {
    const source = new Readable({ read() { this.push(randomBytes(64 * 1024)); } });
    const body = releasingMemoryStream(source);
    const closed = new Promise((resolve) => source.once('close', resolve));
    body.once('data', () => body.destroy());
    await closed;
    expect(source.destroyed).toBe(true);
  });
});

describe('memoryReleaser', () => {
  it('collects garbage as bytes pass, without a --expose-gc flag', () => {
    expect(process.execArgv).not.toContain('--expose-gc');
    const before = process.memoryUsage().arrayBuffers;
    const releaser = memoryReleaser({ everyBytes: 8 * MiB, fullEveryBytes: 32 * MiB });
    // 64 MB of dead buffers: without collections V8 would keep most of them until its external-memory trigger.
    for (let i = 0; i < 64; i += 1) {
      const dead = Buffer.alloc(MiB, i);
      releaser.passed(dead.length);
    }
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * MiB);
  });
});
