// Renders are deterministic in the prompt, size and seconds (video-render.ts), so videos of one shape share one
// render: a burst of identical requests (the bench's end to end, a demo) costs one render, not one per video,
// and the emulator does not become the bottleneck of the pipeline it stands in front of.
import type { VideoVariant } from '@sora-studio/shared';
import { BoundedMap } from '../memory/bounded-map.ts';
import { renderVariant, type RenderedAsset, type RenderRequest } from './video-render.ts';

/** Distinct shapes kept (each variant an entry); about 1 MB per entry at most. */
const RENDERS_CACHED = 48;

export class RenderCache {
  readonly #renders = new BoundedMap<string, RenderedAsset>(RENDERS_CACHED);

  rendered(request: RenderRequest, variant: VideoVariant): RenderedAsset {
    // JSON, so no prompt can be spelled to collide with another shape's key.
    const key = JSON.stringify([variant, request.prompt, request.size, request.seconds]);
    const cached = this.#renders.get(key);
    if (cached) return cached;
    const rendered = renderVariant(request, variant);
    this.#renders.set(key, rendered);
    return rendered;
  }
}
