// Videos of one shape share one render: the emulator serves the cached bytes rather than rendering per video, so
// a burst of identical requests (the bench's end to end) costs one render. The bytes are the renderer's own.
import { describe, expect, it } from 'vitest';
import { RenderCache } from '../src/render/render-cache.ts';
import { renderVariant } from '../src/render/video-render.ts';

const SHAPE = { prompt: 'a paper boat', size: '720x1280', seconds: '4' };

describe('RenderCache', () => {
  it('renders a shape once and serves the same bytes to every video of that shape', () => {
    const cache = new RenderCache();
    const first = cache.rendered(SHAPE, 'video');
    expect(cache.rendered({ ...SHAPE }, 'video')).toBe(first);
    expect(first.bytes.equals(renderVariant(SHAPE, 'video').bytes)).toBe(true);
  });

  it('keeps apart what changes the bytes: the variant, the prompt, the size and the seconds', () => {
    const cache = new RenderCache();
    const first = cache.rendered(SHAPE, 'video');
    for (const other of [{ ...SHAPE, prompt: 'a paper plane' }, { ...SHAPE, size: '1280x720' }, { ...SHAPE, seconds: '8' }]) {
      expect(cache.rendered(other, 'video').bytes.equals(first.bytes)).toBe(false);
    }
    expect(cache.rendered(SHAPE, 'thumbnail').contentType).toBe('image/jpeg');
  });
});
