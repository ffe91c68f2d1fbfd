// The pictures of an emulated video: a background coloured from a hash of the prompt and a bar that sweeps
// across, so every video looks different and every frame differs from the last. Frames are planar YUV 4:2:0,
// the layout H.264 codes, and the JPEG renderer converts them to RGB.
import { createHash } from 'node:crypto';

export const FRAMES_PER_SECOND = 4;

/** The rendering's short side; the long side follows the requested aspect ratio. */
const SHORT_SIDE = 96;
const MAX_LONG_SIDE = 4 * SHORT_SIDE;
const MACROBLOCK = 16;

export interface RenderGeometry {
  /** Displayed size, even in both directions (4:2:0 chroma covers 2x2 pixels). */
  width: number;
  height: number;
  /** Coded size, whole 16x16 macroblocks; the excess on the right and bottom is cropped away. */
  codedWidth: number;
  codedHeight: number;
}

export interface YuvColor {
  y: number;
  cb: number;
  cr: number;
}

export interface Palette {
  background: YuvColor;
  bar: YuvColor;
}

export interface YuvFrame {
  geometry: RenderGeometry;
  y: Uint8Array;
  cb: Uint8Array;
  cr: Uint8Array;
}

/** A small rendering with the aspect ratio of `size` ("720x1280" becomes 96x170, coded as 96x176). */
export function renderGeometry(size: string): RenderGeometry {
  const [requestedWidth = 1, requestedHeight = 1] = size.split('x').map(Number);
  const portrait = requestedHeight >= requestedWidth;
  const ratio = portrait ? requestedHeight / requestedWidth : requestedWidth / requestedHeight;
  const longSide = Math.min(MAX_LONG_SIDE, 2 * Math.round((SHORT_SIDE * ratio) / 2));
  const width = portrait ? SHORT_SIDE : longSide;
  const height = portrait ? longSide : SHORT_SIDE;
  const toMacroblocks = (pixels: number) => Math.ceil(pixels / MACROBLOCK) * MACROBLOCK;
  return { width, height, codedWidth: toMacroblocks(width), codedHeight: toMacroblocks(height) };
}

/** Colours derived from the prompt, kept inside video range (16..240) so no sample is ever 0. */
export function promptPalette(prompt: string): Palette {
  const [a = 0, b = 0, c = 0] = createHash('sha256').update(prompt).digest();
  const background = { y: 48 + (a % 128), cb: 64 + (b % 128), cr: 64 + (c % 128) };
  const bar = { y: background.y > 128 ? 40 : 220, cb: 256 - background.cb, cr: 256 - background.cr };
  return { background, bar };
}

export function frameCount(seconds: number): number {
  return Math.max(1, Math.round(seconds * FRAMES_PER_SECOND));
}

/** Frame `index` of `count`: the background, with a vertical bar a sixth of the width wide at its sweep position. */
export function drawFrame(geometry: RenderGeometry, palette: Palette, index: number, count: number): YuvFrame {
  const { codedWidth, codedHeight, width } = geometry;
  const barWidth = 2 * Math.round(width / 12);
  const travel = width - barWidth;
  const barLeft = count > 1 ? 2 * Math.round((travel * index) / (count - 1) / 2) : 0;

  const frame: YuvFrame = {
    geometry,
    y: new Uint8Array(codedWidth * codedHeight).fill(palette.background.y),
    cb: new Uint8Array((codedWidth * codedHeight) / 4).fill(palette.background.cb),
    cr: new Uint8Array((codedWidth * codedHeight) / 4).fill(palette.background.cr),
  };
  for (let row = 0; row < codedHeight; row += 1) {
    frame.y.fill(palette.bar.y, row * codedWidth + barLeft, row * codedWidth + barLeft + barWidth);
  }
  const chromaWidth = codedWidth / 2;
  for (let row = 0; row < codedHeight / 2; row += 1) {
    const start = row * chromaWidth + barLeft / 2;
    frame.cb.fill(palette.bar.cb, start, start + barWidth / 2);
    frame.cr.fill(palette.bar.cr, start, start + barWidth / 2);
  }
  return frame;
}
