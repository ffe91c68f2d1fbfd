// `asset_bytes=N`: a rendered MP4 grown to exactly N bytes by a top-level `free` box after it. ISO/IEC 14496-12 lets
// readers skip `free` boxes, and the box comes after mdat, so the chunk offsets in moov stay true and players still
// open the file. The padding is generated chunk by chunk, so a 2 GiB asset costs the emulator no more memory than a
// small one.
import { Buffer } from 'node:buffer';

const FREE_BOX_HEADER_BYTES = 8;
/** One shared, never-written block of zeros that every padding chunk is a view of. */
const ZEROS = Buffer.alloc(1024 * 1024);

/** The smallest asset_bytes a rendered MP4 of this length can be padded to. */
export function minimumPaddedBytes(mp4Bytes: number): number {
  return mp4Bytes + FREE_BOX_HEADER_BYTES;
}

/** The MP4, then a `free` box of zeros up to `totalBytes` in all (at most 2^32 - 1 bytes of padding box). */
export function* paddedMp4Chunks(mp4: Buffer, totalBytes: number): Generator<Buffer> {
  const boxBytes = totalBytes - mp4.length;
  if (boxBytes < FREE_BOX_HEADER_BYTES || boxBytes > 0xffff_ffff) {
    throw new RangeError(`cannot pad a ${mp4.length}-byte MP4 to ${totalBytes} bytes with one free box`);
  }
  yield mp4;
  const header = Buffer.alloc(FREE_BOX_HEADER_BYTES);
  header.writeUInt32BE(boxBytes, 0);
  header.write('free', 4, 'latin1');
  yield header;
  for (let left = boxBytes - FREE_BOX_HEADER_BYTES; left > 0; left -= ZEROS.length) {
    yield left >= ZEROS.length ? ZEROS : ZEROS.subarray(0, left);
  }
}
