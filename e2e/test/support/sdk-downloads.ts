// Content downloads through the SDK, as bytes with their content type.
import type { VideoVariant } from '@sora-studio/shared';
import type { SdkClient } from '../../src/index.ts';

export async function downloadVariant(sdk: SdkClient, videoId: string, variant: VideoVariant): Promise<{ bytes: Buffer; contentType: string | null }> {
  const response = await sdk.videos.downloadContent(videoId, { variant });
  return { bytes: Buffer.from(await response.arrayBuffer()), contentType: response.headers.get('content-type') };
}
