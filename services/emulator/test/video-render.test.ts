// The renderer's output, checked by independent parsers: mp4box for the MP4, jpeg-js for the JPEGs.
import { decodeJpeg, parseMp4 } from '@sora-studio/testkit';
import { describe, expect, it } from 'vitest';
import { BitWriter } from '../src/render/bit-writer.ts';
import { drawFrame, FRAMES_PER_SECOND, promptPalette, renderGeometry } from '../src/render/frames.ts';
import { renderVariant } from '../src/render/video-render.ts';

describe('MP4', () => {
  it.each([
    ['720x1280', '4', 96, 170],
    ['1280x720', '8', 170, 96],
    ['1024x1792', '12', 96, 168],
    ['1792x1024', '4', 168, 96],
  ])('renders %s for %s s as one H.264 track of that duration and aspect', async (size, seconds, width, height) => {
    const { bytes, contentType } = renderVariant({ prompt: `a ${size} shot`, size, seconds }, 'video');
    const movie = await parseMp4(bytes);

    expect(contentType).toBe('video/mp4');
    expect(movie.tracks).toHaveLength(1);
    const [track] = movie.videoTracks;
    expect(track?.codec).toBe('avc1.42c014');
    expect(track?.nb_samples).toBe(Number(seconds) * FRAMES_PER_SECOND);
    expect(track?.video).toEqual({ width, height });
    const frameSeconds = 1 / FRAMES_PER_SECOND;
    expect(Math.abs(movie.duration / movie.timescale - Number(seconds))).toBeLessThanOrEqual(frameSeconds);
    expect(Math.abs((track?.duration ?? 0) / (track?.timescale ?? 1) - Number(seconds))).toBeLessThanOrEqual(frameSeconds);
  });

  it('renders the same bytes for the same request and different bytes for another prompt', () => {
    const request = { prompt: 'a paper boat', size: '720x1280', seconds: '4' };
    const first = renderVariant(request, 'video').bytes;
    expect(renderVariant(request, 'video').bytes.equals(first)).toBe(true);
    expect(renderVariant({ ...request, prompt: 'a paper plane' }, 'video').bytes.equals(first)).toBe(false);
  });

  it('draws a bar that moves, so consecutive frames differ', () => {
    const geometry = renderGeometry('720x1280');
    const palette = promptPalette('moving');
    const frames = [0, 1, 2].map((index) => drawFrame(geometry, palette, index, 16));
    expect(Buffer.from(frames[0]!.y).equals(Buffer.from(frames[1]!.y))).toBe(false);
    expect(Buffer.from(frames[1]!.y).equals(Buffer.from(frames[2]!.y))).toBe(false);
  });

  it('keeps every sample inside video range, so no PCM byte can be zero', () => {
    for (const prompt of ['a', 'b', 'c', 'd', 'e', 'f']) {
      const { background, bar } = promptPalette(prompt);
      for (const value of [background.y, background.cb, background.cr, bar.y, bar.cb, bar.cr]) {
        expect(value).toBeGreaterThanOrEqual(16);
        expect(value).toBeLessThanOrEqual(240);
      }
    }
  });
});

describe('JPEG', () => {
  it('renders a thumbnail of the displayed size', () => {
    const { bytes, contentType } = renderVariant({ prompt: 'thumb', size: '1280x720', seconds: '4' }, 'thumbnail');
    expect(contentType).toBe('image/jpeg');
    expect(decodeJpeg(bytes)).toMatchObject({ width: 170, height: 96 });
  });

  it('renders a sprite sheet with one tile per second, four to a row', () => {
    const { bytes } = renderVariant({ prompt: 'sprites', size: '720x1280', seconds: '12' }, 'spritesheet');
    expect(decodeJpeg(bytes)).toMatchObject({ width: 4 * 96, height: 3 * 170 });
  });

  it('shows the prompt colour the MP4 carries', () => {
    const { background } = promptPalette('colour check');
    const { data } = decodeJpeg(renderVariant({ prompt: 'colour check', size: '720x1280', seconds: '4' }, 'thumbnail').bytes);
    // Top-right pixel is background (the bar sits mid-frame in the middle frame); BT.601 luma from its RGB.
    const [r = 0, g = 0, b = 0] = data.subarray((96 - 1) * 4, 96 * 4);
    const luma = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255;
    expect(Math.abs(luma - background.y)).toBeLessThan(6);
  });
});

describe('BitWriter', () => {
  const bits = (write: (writer: BitWriter) => BitWriter) =>
    [...write(new BitWriter()).trailingBits().toBytes()].map((byte) => byte.toString(2).padStart(8, '0')).join('');

  it.each([
    [0, '1'],
    [1, '010'],
    [2, '011'],
    [3, '00100'],
    [25, '000011010'],
  ])('writes ue(%i) as %s', (value, code) => {
    expect(bits((writer) => writer.ue(value)).startsWith(`${code}1`)).toBe(true);
  });

  it.each([
    [1, '010'],
    [-1, '011'],
    [2, '00100'],
  ])('writes se(%i) as %s', (value, code) => {
    expect(bits((writer) => writer.se(value)).startsWith(`${code}1`)).toBe(true);
  });

  it('refuses raw bytes at an unaligned position', () => {
    expect(() => new BitWriter().u(3, 1).bytes(new Uint8Array([1]))).toThrow(/byte-aligned/);
  });
});
