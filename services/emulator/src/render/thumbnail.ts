// The still images of an emulated video, as JPEG: a thumbnail (one frame) and a sprite sheet (a grid of frames).
import jpeg from 'jpeg-js';
import type { YuvFrame } from './frames.ts';

const JPEG_QUALITY = 85;
const SPRITE_COLUMNS = 4;

export function encodeThumbnail(frame: YuvFrame): Buffer {
  const { width, height } = frame.geometry;
  return encodeJpeg(toRgba(frame), width, height);
}

/** Tiles left to right, top to bottom, at most four to a row. */
export function encodeSpriteSheet(frames: YuvFrame[]): Buffer {
  const [first] = frames;
  if (!first) throw new Error('a sprite sheet needs at least one frame');
  const { width, height } = first.geometry;
  const columns = Math.min(SPRITE_COLUMNS, frames.length);
  const rows = Math.ceil(frames.length / columns);
  const sheetWidth = columns * width;
  const sheet = new Uint8Array(sheetWidth * rows * height * 4);
  frames.forEach((frame, index) => {
    const tile = toRgba(frame);
    const left = (index % columns) * width;
    const top = Math.floor(index / columns) * height;
    for (let y = 0; y < height; y += 1) {
      sheet.set(tile.subarray(y * width * 4, (y + 1) * width * 4), ((top + y) * sheetWidth + left) * 4);
    }
  });
  return encodeJpeg(sheet, sheetWidth, rows * height);
}

function encodeJpeg(rgba: Uint8Array, width: number, height: number): Buffer {
  return jpeg.encode({ data: rgba, width, height }, JPEG_QUALITY).data;
}

/** The displayed (uncropped) area as RGBA, converting limited-range BT.601 YCbCr. */
function toRgba(frame: YuvFrame): Uint8Array {
  const { width, height, codedWidth } = frame.geometry;
  const rgba = new Uint8Array(width * height * 4);
  for (let row = 0; row < height; row += 1) {
    for (let column = 0; column < width; column += 1) {
      const chroma = (row >> 1) * (codedWidth >> 1) + (column >> 1);
      const luma = 1.164 * ((frame.y[row * codedWidth + column] ?? 16) - 16);
      const cb = (frame.cb[chroma] ?? 128) - 128;
      const cr = (frame.cr[chroma] ?? 128) - 128;
      const out = (row * width + column) * 4;
      rgba[out] = clampByte(luma + 1.596 * cr);
      rgba[out + 1] = clampByte(luma - 0.392 * cb - 0.813 * cr);
      rgba[out + 2] = clampByte(luma + 2.017 * cb);
      rgba[out + 3] = 255;
    }
  }
  return rgba;
}

function clampByte(value: number): number {
  return Math.max(0, Math.min(255, Math.round(value)));
}
