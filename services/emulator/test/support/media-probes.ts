// Independent checks of the emulator's media: mp4box parses the MP4, jpeg-js decodes the JPEGs.
import jpeg from 'jpeg-js';
import { createFile, MP4BoxBuffer, type Movie } from 'mp4box';

export function parseMp4(bytes: Uint8Array): Promise<Movie> {
  const file = createFile();
  return new Promise((resolve, reject) => {
    file.onError = (module, message) => reject(new Error(`${module}: ${message}`));
    file.onReady = resolve;
    const copy = bytes.slice().buffer;
    file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(copy, 0));
    file.flush();
  });
}

export function decodeJpeg(bytes: Uint8Array): { width: number; height: number; data: Uint8Array } {
  return jpeg.decode(bytes, { useTArray: true });
}
