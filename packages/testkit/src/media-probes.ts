// Independent checks of delivered media: mp4box parses an MP4; jpeg-js decodes a JPEG, and a JPEG's start and
// end markers recognise one without decoding it.
import jpeg from 'jpeg-js';
import { createFile, MP4BoxBuffer, type Movie } from 'mp4box';

export function parseMp4(bytes: Uint8Array): Promise<Movie> {
  const file = createFile();
  return new Promise((resolve, reject) => {
    file.onError = (module, message) => reject(new Error(`${module}: ${message}`));
    file.onReady = resolve;
    file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(bytes.slice().buffer, 0));
    file.flush();
  });
}

/** SOI (FF D8 FF) at the start and EOI (FF D9) at the end. */
export function isJpeg(bytes: Uint8Array): boolean {
  const n = bytes.length;
  return n > 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff && bytes[n - 2] === 0xff && bytes[n - 1] === 0xd9;
}

/** The image's size and its RGBA pixels; throws when the bytes are not a valid JPEG. */
export function decodeJpeg(bytes: Uint8Array): { width: number; height: number; data: Uint8Array } {
  return jpeg.decode(bytes, { useTArray: true });
}
