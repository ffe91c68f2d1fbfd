// Downloads of a completed video's assets, from storage, whole or by byte range. `findReadableAsset` is the one
// rule for which asset a caller may read: GET /content streams it, GET /content_url signs a URL for it, and
// the signed /files route streams through `streamAsset` too.
import type { Readable } from 'node:stream';
import {
  ConflictError, NotFoundError, StorageNotFoundError, notFound, releasingMemoryStream, type Db, type Storage, type Video, type VideoAsset, type VideoVariant,
} from '@sora-studio/shared';
import type { FastifyBaseLogger } from 'fastify';
import { HttpError } from '../errors/http-error.ts';
import type { CallerContext } from '../caller-context.ts';
import { parseRange } from './video-content.range.ts';
import { findAsset, findOwnedVideo } from './video.repo.ts';

export interface VideoContent {
  status: 200 | 206;
  headers: Record<string, string>;
  body: Readable;
}

export interface ReadableAsset {
  video: Video;
  asset: VideoAsset;
}

export function missingAsset(videoId: string, variant: VideoVariant): NotFoundError {
  return new NotFoundError(`Video '${videoId}' has no ${variant}.`, { param: 'variant', code: 'asset_not_found' });
}

/**
 * The caller's own video (another user's is not there: 404), completed (409 `video_not_ready`), with its assets
 * still kept (404 `video_expired` once retention passed `expires_at` or the sweeper purged them), and this variant.
 */
export async function findReadableAsset(db: Db, userId: string, videoId: string, variant: VideoVariant, now = new Date()): Promise<ReadableAsset> {
  const video = await findOwnedVideo(db, userId, videoId);
  if (!video) throw notFound('video', videoId);
  if (video.status !== 'completed') {
    throw new ConflictError(`Video '${videoId}' is ${video.status}; its content is available once it is completed.`, { param: 'video_id', code: 'video_not_ready' });
  }
  if (video.assetsPurgedAt || (video.expiresAt && video.expiresAt.getTime() <= now.getTime())) {
    throw new NotFoundError(`The content of video '${videoId}' has expired.`, { param: 'video_id', code: 'video_expired' });
  }
  const asset = await findAsset(db, videoId, variant);
  if (!asset) throw missingAsset(videoId, variant);
  return { video, asset };
}

/** The asset's bytes, whole or the one range asked for, with the headers that describe them. */
export async function streamAsset(storage: Storage, asset: VideoAsset, rangeHeader: string | undefined, log: FastifyBaseLogger): Promise<VideoContent> {
  const base = { 'content-type': asset.contentType, 'accept-ranges': 'bytes', etag: `"${asset.sha256}"` };
  const answer = parseRange(rangeHeader, asset.bytes);
  if (answer.kind === 'unsatisfiable') {
    throw new HttpError(416, `Range '${rangeHeader}' is outside the ${asset.bytes} bytes of this ${asset.variant}.`, {
      param: 'range', code: 'range_not_satisfiable', headers: { 'content-range': `bytes */${asset.bytes}` },
    });
  }
  const range = answer.kind === 'partial' ? answer.range : undefined;
  let stored: Readable;
  try {
    stored = await storage.get(asset.storageKey, range);
  } catch (error) {
    if (!(error instanceof StorageNotFoundError)) throw error;
    log.warn({ key: asset.storageKey }, 'asset row without a stored object');
    throw missingAsset(asset.videoId, asset.variant);
  }
  // A 500 MB download otherwise leaves ~64 MB of dead socket buffers before V8 frees any (stream-memory.ts).
  const body = releasingMemoryStream(stored);
  if (!range) return { status: 200, headers: { ...base, 'content-length': String(asset.bytes) }, body };
  return {
    status: 206,
    headers: { ...base, 'content-length': String(range.end - range.start + 1), 'content-range': `bytes ${range.start}-${range.end}/${asset.bytes}` },
    body,
  };
}

const EXTENSIONS: Record<string, string> = { 'video/mp4': 'mp4', 'image/jpeg': 'jpg', 'image/webp': 'webp', 'image/png': 'png' };

/**
 * `video_….mp4`, `video_…-thumbnail.webp`: the extension follows the stored type. The id is ours (it matched a
 * stored video), so the name needs no escaping in a Content-Disposition header.
 */
export function assetDownloadName(asset: Pick<VideoAsset, 'videoId' | 'variant' | 'contentType'>): string {
  const extension = EXTENSIONS[asset.contentType.split(';')[0]!.trim().toLowerCase()] ?? (asset.variant === 'video' ? 'mp4' : 'jpg');
  return asset.variant === 'video' ? `${asset.videoId}.${extension}` : `${asset.videoId}-${asset.variant}.${extension}`;
}

export function createVideoContentService(deps: { db: Db; storage: Storage }) {
  return {
    async open(ctx: CallerContext, videoId: string, variant: VideoVariant, rangeHeader: string | undefined): Promise<VideoContent & { downloadName: string }> {
      const { asset } = await findReadableAsset(deps.db, ctx.userId, videoId, variant);
      return { ...await streamAsset(deps.storage, asset, rangeHeader, ctx.log), downloadName: assetDownloadName(asset) };
    },
  };
}

export type VideoContentService = ReturnType<typeof createVideoContentService>;
