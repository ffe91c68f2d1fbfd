// The price of what the provider delivered, or null when the catalogue has none for it. Never a guess, and
// never an HTTP error: a client did nothing wrong when a provider delivers a size we do not price.
import { InvalidRequestError, priceVideoMicros, type ModelCatalog, type Video } from '@sora-studio/shared';

export function deliveredPriceMicros(catalog: ModelCatalog, video: Pick<Video, 'model' | 'deliveredSeconds' | 'deliveredSize'>): number | null {
  if (video.deliveredSeconds === null || video.deliveredSize === null) return null;
  try {
    return priceVideoMicros(catalog, { model: video.model, size: video.deliveredSize, seconds: String(video.deliveredSeconds) });
  } catch (error) {
    // The catalogue's way of saying "no price for this" is the error it gives a client asking for it.
    if (error instanceof InvalidRequestError) return null;
    throw error;
  }
}
