// Renders one variant of an emulated video from what the request asked for. Deterministic: the same prompt, size
// and seconds always give the same bytes.
import type { VideoVariant } from '@sora-studio/shared';
import { drawFrame, frameCount, FRAMES_PER_SECOND, promptPalette, renderGeometry, type YuvFrame } from './frames.ts';
import { encodeIdrPicture, encodePps, encodeSps } from './h264-pcm.ts';
import { muxMp4 } from './mp4-muxer.ts';
import { encodeSpriteSheet, encodeThumbnail } from './thumbnail.ts';

export interface RenderRequest {
  prompt: string;
  /** "WIDTHxHEIGHT"; the rendering keeps its aspect ratio at a small scale. */
  size: string;
  seconds: string;
}

export interface RenderedAsset {
  bytes: Buffer;
  contentType: 'video/mp4' | 'image/jpeg';
}

const MEDIA_TIMESCALE = 1000;

export function renderVariant(request: RenderRequest, variant: VideoVariant): RenderedAsset {
  const count = frameCount(Number(request.seconds));
  const geometry = renderGeometry(request.size);
  const palette = promptPalette(request.prompt);
  const frameAt = (index: number): YuvFrame => drawFrame(geometry, palette, index, count);

  switch (variant) {
    case 'video': {
      const samples = Array.from({ length: count }, (_, index) => encodeIdrPicture(frameAt(index), index % 2));
      const bytes = muxMp4({
        width: geometry.width,
        height: geometry.height,
        timescale: MEDIA_TIMESCALE,
        sampleDuration: MEDIA_TIMESCALE / FRAMES_PER_SECOND,
        sps: encodeSps(geometry),
        pps: encodePps(),
        samples,
      });
      return { bytes, contentType: 'video/mp4' };
    }
    case 'thumbnail':
      return { bytes: encodeThumbnail(frameAt(Math.floor(count / 2))), contentType: 'image/jpeg' };
    case 'spritesheet': {
      // One tile per second of video.
      const tiles = Array.from({ length: Math.ceil(count / FRAMES_PER_SECOND) }, (_, second) => frameAt(second * FRAMES_PER_SECOND));
      return { bytes: encodeSpriteSheet(tiles), contentType: 'image/jpeg' };
    }
  }
}
