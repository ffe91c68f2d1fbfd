// Signed, expiring URLs for a video's assets (GET /v1/videos/{id}/content_url): the same readability rule as
// GET /content, then a URL from the storage driver that anyone holding it may fetch until it expires.
import type { Config, Db, Storage, VideoContentUrl, VideoVariant } from '@sora-studio/shared';
import type { CallerContext } from '../caller-context.ts';
import { assetDownloadName, findReadableAsset, missingAsset } from './video-content.service.ts';

export interface ContentUrlRequest {
  videoId: string;
  variant: VideoVariant;
  download: boolean;
  /** Where this caller reaches the API; the local driver's URLs start with it. */
  baseUrl: string;
}

export function createVideoContentUrlService(deps: { config: Pick<Config, 'CONTENT_URL_TTL_SECONDS'>; db: Db; storage: Storage }) {
  return {
    async sign(ctx: CallerContext, request: ContentUrlRequest): Promise<VideoContentUrl> {
      const now = new Date();
      const { video, asset } = await findReadableAsset(deps.db, ctx.userId, request.videoId, request.variant, now);
      // A URL for an object that is gone would only fail later, in a player with no error to show.
      if (!(await deps.storage.stat(asset.storageKey))) {
        ctx.log.warn({ key: asset.storageKey }, 'asset row without a stored object');
        throw missingAsset(asset.videoId, asset.variant);
      }
      // Never past the video's own retention: the sweeper may remove the object at expires_at.
      const nowSeconds = Math.floor(now.getTime() / 1000);
      const until = Math.min(nowSeconds + deps.config.CONTENT_URL_TTL_SECONDS, video.expiresAt ? Math.floor(video.expiresAt.getTime() / 1000) : Infinity);
      const expiresInSeconds = Math.max(1, until - nowSeconds);
      const url = await deps.storage.signedUrl(asset.storageKey, {
        expiresInSeconds,
        baseUrl: request.baseUrl,
        ...(request.download ? { downloadName: assetDownloadName(asset) } : {}),
      });
      return { url, expires_at: nowSeconds + expiresInSeconds, variant: request.variant };
    },
  };
}

export type VideoContentUrlService = ReturnType<typeof createVideoContentUrlService>;
