// Downloads of a completed video's assets, from storage, whole or by byte range.
import type { Readable } from 'node:stream';
import {
  ConflictError, NotFoundError, StorageNotFoundError, notFound, type Db, type Storage, type VideoVariant,
} from '@sora-studio/shared';
import { HttpError } from '../errors/http-error.ts';
import type { CallerContext } from '../caller-context.ts';
import { parseRange } from './video-content.range.ts';
import { findAsset, findOwnedVideo } from './video.repo.ts';

export interface VideoContent {
  status: 200 | 206;
  headers: Record<string, string>;
  body: Readable;
}

export function createVideoContentService(deps: { db: Db; storage: Storage }) {
  return {
    async open(ctx: CallerContext, videoId: string, variant: VideoVariant, rangeHeader: string | undefined): Promise<VideoContent> {
      const video = await findOwnedVideo(deps.db, ctx.userId, videoId);
      if (!video) throw notFound('video', videoId);
      if (video.status !== 'completed') {
        throw new ConflictError(`Video '${videoId}' is ${video.status}; its content is available once it is completed.`, { param: 'video_id', code: 'video_not_ready' });
      }
      if (video.expiresAt && video.expiresAt.getTime() <= Date.now()) {
        throw new NotFoundError(`The content of video '${videoId}' has expired.`, { param: 'video_id', code: 'video_content_expired' });
      }
      const asset = await findAsset(deps.db, videoId, variant);
      const missing = () => new NotFoundError(`Video '${videoId}' has no ${variant}.`, { param: 'variant', code: 'asset_not_found' });
      if (!asset) throw missing();

      const base = { 'content-type': asset.contentType, 'accept-ranges': 'bytes', etag: `"${asset.sha256}"` };
      const answer = parseRange(rangeHeader, asset.bytes);
      if (answer.kind === 'unsatisfiable') {
        throw new HttpError(416, `Range '${rangeHeader}' is outside the ${asset.bytes} bytes of this ${variant}.`, {
          param: 'range', code: 'range_not_satisfiable', headers: { 'content-range': `bytes */${asset.bytes}` },
        });
      }
      const range = answer.kind === 'partial' ? answer.range : undefined;
      let body: Readable;
      try {
        body = await deps.storage.get(asset.storageKey, range);
      } catch (error) {
        if (!(error instanceof StorageNotFoundError)) throw error;
        ctx.log.warn({ key: asset.storageKey }, 'asset row without a stored object');
        throw missing();
      }
      if (!range) return { status: 200, headers: { ...base, 'content-length': String(asset.bytes) }, body };
      return {
        status: 206,
        headers: { ...base, 'content-length': String(range.end - range.start + 1), 'content-range': `bytes ${range.start}-${range.end}/${asset.bytes}` },
        body,
      };
    },
  };
}

export type VideoContentService = ReturnType<typeof createVideoContentService>;
