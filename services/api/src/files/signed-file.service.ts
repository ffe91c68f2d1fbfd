// The local driver's signed URLs, served: `/files/<key>?expires=…&signature=…[&download=…]`. No API key: the
// signature is the credential, checked before anything else is looked at, so a forged URL costs one HMAC and
// never a query. Only video assets are ever signed, so only `videos/<video id>/<variant>` keys are served
// (never inputs/), spelled exactly: an encoded slash, a dot segment or a NUL is not a key we signed.
import {
  IdSchema, PermissionDeniedError, SignedFileQuerySchema, VideoVariantSchema, type Db, type LocalStorage, type VideoVariant,
} from '@sora-studio/shared';
import type { FastifyBaseLogger } from 'fastify';
import { assetDownloadName, missingAsset, streamAsset, type VideoContent } from '../videos/video-content.service.ts';
import { findServableAsset } from './signed-file.repo.ts';

export interface SignedFile {
  key: string;
  videoId: string;
  variant: VideoVariant;
  expires: number;
  downloadName: string | undefined;
}

/** Types a browser may show in its own tab; anything else the provider labelled is only ever saved. */
const INLINE_TYPES = new Set(['video/mp4', 'image/jpeg', 'image/webp', 'image/png']);

function invalidSignature(): PermissionDeniedError {
  return new PermissionDeniedError('This URL is not validly signed. Ask GET /v1/videos/{video_id}/content_url for a new one.', { param: 'signature', code: 'invalid_signature' });
}

function parseKey(rawKey: string): { videoId: string; variant: VideoVariant } | null {
  const [root, videoId, variant, ...rest] = rawKey.split('/');
  if (root !== 'videos' || rest.length > 0) return null;
  const id = IdSchema.safeParse(videoId);
  const kind = VideoVariantSchema.safeParse(variant);
  return id.success && kind.success ? { videoId: id.data, variant: kind.data } : null;
}

export function createSignedFileService(deps: { db: Db; storage: LocalStorage }) {
  return {
    /** The file a URL vouches for; 403 `invalid_signature` for anything we did not sign, 403 `url_expired` after its time. */
    check(rawKey: string, query: unknown, nowSeconds = Math.floor(Date.now() / 1000)): SignedFile {
      const parsedQuery = SignedFileQuerySchema.safeParse(query);
      const parsedKey = parseKey(rawKey);
      if (!parsedQuery.success || !parsedKey) throw invalidSignature();
      const { expires, signature, download } = parsedQuery.data;
      const verdict = deps.storage.checkSignedFile({ key: rawKey, expires, downloadName: download }, signature, nowSeconds);
      if (verdict === 'invalid_signature') throw invalidSignature();
      if (verdict === 'expired') {
        throw new PermissionDeniedError('This URL has expired. Ask GET /v1/videos/{video_id}/content_url for a new one.', { param: 'expires', code: 'url_expired' });
      }
      return { key: rawKey, ...parsedKey, expires, downloadName: download };
    },

    /** The bytes (whole or one range); 404 when the video or its object is gone since the URL was signed. */
    async open(file: SignedFile, rangeHeader: string | undefined, log: FastifyBaseLogger, nowSeconds = Math.floor(Date.now() / 1000)): Promise<VideoContent> {
      const asset = await findServableAsset(deps.db, file.videoId, file.variant);
      if (!asset || asset.storageKey !== file.key) throw missingAsset(file.videoId, file.variant);
      const answer = await streamAsset(deps.storage, asset, rangeHeader, log);
      const inline = file.downloadName === undefined && INLINE_TYPES.has(asset.contentType);
      return {
        ...answer,
        headers: {
          ...answer.headers,
          'content-disposition': inline ? 'inline' : `attachment; filename="${file.downloadName ?? assetDownloadName(asset)}"`,
          // A browser may keep it while the URL lives (players seek by range); no shared cache may.
          'cache-control': `private, max-age=${Math.max(0, file.expires - nowSeconds)}`,
        },
      };
    },
  };
}

export type SignedFileService = ReturnType<typeof createSignedFileService>;
