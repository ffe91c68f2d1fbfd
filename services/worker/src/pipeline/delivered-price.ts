// What the provider delivered, and its price. Settlement prices what was delivered, not what was asked, so
// both the poll that sees `completed` and a replayed submit that is answered `completed` record it here.
import { findPriceMicros, type ModelCatalog, type Video } from '@sora-studio/shared';
import type { ProviderVideo } from '../provider/provider-client.ts';

/** The delivered seconds and size of a completed provider video; seconds it did not state as a whole number are null. */
export function deliveredShapeOf(answer: Pick<ProviderVideo, 'seconds' | 'size'>): Pick<Video, 'deliveredSeconds' | 'deliveredSize'> {
  const seconds = Number(answer.seconds);
  return { deliveredSeconds: Number.isSafeInteger(seconds) && seconds > 0 ? seconds : null, deliveredSize: answer.size };
}

/** The price of what was delivered, or null when the catalogue has none for it. Never a guess, and never an
 * HTTP error: a client did nothing wrong when a provider delivers a size we do not price. */
export function deliveredPriceMicros(catalog: ModelCatalog, video: Pick<Video, 'model' | 'deliveredSeconds' | 'deliveredSize'>): number | null {
  if (video.deliveredSeconds === null || video.deliveredSize === null) return null;
  return findPriceMicros(catalog, { model: video.model, size: video.deliveredSize, seconds: String(video.deliveredSeconds) });
}
