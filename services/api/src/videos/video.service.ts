// The rules of a video's public life: price and reserve on create and remix, enqueue only after commit,
// owner-scoped reads, and deletes that keep every money record.
import {
  ConflictError, enqueueAdvanceVideo, insertQueuedVideo, newId, notFound, priceVideoMicros, resolveVideoShape, softDeleteVideo,
  type Config, type CreateVideoBody, type Db, type ListVideosQuery, type NewVideo, type RemixVideoBody, type Storage, type VideoObject,
  type VideoQueues, type VideoShape,
} from '@sora-studio/shared';
import type { CallerContext } from '../caller-context.ts';
import { withDeadline } from '../deadline.ts';
import type { IdempotencyClaim } from '../idempotency/idempotency.service.ts';
import { listPage, type ListPage } from '../pagination.ts';
import { checkInputReference, storeInputReference } from './video-input-reference.ts';
import type { UploadedFile } from './video-multipart.ts';
import { toVideoObject } from './video.mapper.ts';
import { claimPendingUpload, findOwnedVideo, forgetPendingUpload, listOwnedVideos } from './video.repo.ts';
import type { VideoCacheLookup, VideoStatusCache } from './video-status-cache.ts';

export interface VideoServiceDeps {
  config: Config;
  db: Db;
  queues: VideoQueues;
  storage: Storage;
  /** The status read's cache; a new video needs no invalidation (video-cache.ts says why), a changed one does. */
  statusCache: VideoStatusCache;
}


/** The same caller, with the video's id on every log line from here on. */
function aboutVideo(ctx: CallerContext, videoId: string): CallerContext {
  return { ...ctx, log: ctx.log.child({ videoId }) };
}

/** A dead Redis must not hold the request: the row is committed and the reconciler enqueues it later. */
const ENQUEUE_TIMEOUT_MS = 2_000;

export function createVideoService(deps: VideoServiceDeps) {
  const catalog = deps.config.MODEL_CATALOG;

  async function enqueue(ctx: CallerContext, videoId: string): Promise<void> {
    try {
      await withDeadline(enqueueAdvanceVideo(deps.queues.pipeline, { videoId, requestId: ctx.requestId }), ENQUEUE_TIMEOUT_MS, 'redis');
    } catch (error) {
      ctx.log.warn({ err: error }, 'could not enqueue the video; the reconciler will pick it up');
    }
  }

  /** Prices the shape, commits row + event + reservation (+ the stored response), then enqueues. */
  async function submit(ctx: CallerContext, shape: VideoShape, video: Omit<NewVideo, keyof VideoShape | 'userId' | 'provider' | 'estimatedCostMicros' | 'requestId'>, idempotency: IdempotencyClaim | null = null): Promise<VideoObject> {
    const estimatedCostMicros = priceVideoMicros(catalog, shape);
    const row = await deps.db.transaction().execute(async (trx) => {
      // The row claims its upload; one the orphan sweeper already took (a create slower than the grace) fails it.
      if (video.inputReferenceKey !== null && !(await claimPendingUpload(trx, video.inputReferenceKey))) {
        throw new Error(`The upload ${video.inputReferenceKey} was swept as an orphan before its video was created`);
      }
      return insertQueuedVideo(trx, {
        ...video,
        ...shape,
        seconds: Number(shape.seconds),
        userId: ctx.userId,
        provider: deps.config.PROVIDER_NAME,
        estimatedCostMicros,
        requestId: ctx.requestId,
      }, {
        // The Idempotency-Key's stored answer commits with the video: never one without the other. It is
        // written before the reservation, so the budget counter's lock does not wait for it.
        beforeReserving: async (inserted) => { await idempotency?.recordResponse(trx, 200, toVideoObject(inserted)); },
      });
    });
    ctx.log.info({ model: row.model, size: row.size, seconds: row.seconds, estimatedCostMicros, remixedFromVideoId: row.remixedFromVideoId }, 'video queued');
    await enqueue(ctx, row.id);
    return toVideoObject(row);
  }

  async function ownedVideo(ctx: CallerContext, videoId: string) {
    const video = await findOwnedVideo(deps.db, ctx.userId, videoId);
    if (!video) throw notFound('video', videoId);
    return video;
  }

  return {
    async create(caller: CallerContext, body: CreateVideoBody, upload: UploadedFile | null, idempotency: IdempotencyClaim | null = null): Promise<VideoObject> {
      const videoId = newId('video');
      const ctx = aboutVideo(caller, videoId);
      const shape = resolveVideoShape(catalog, body);
      checkInputReference(body, upload, deps.config.MAX_UPLOAD_BYTES);
      const inputReferenceKey = upload ? await storeInputReference(deps, videoId, upload) : null;
      try {
        return await submit(ctx, shape, {
          id: videoId,
          prompt: body.prompt,
          remixedFromVideoId: null,
          inputReferenceKey,
          inputReferenceUrl: body.input_reference?.image_url ?? null,
          metadata: body.metadata ?? {},
        }, idempotency);
      } catch (error) {
        // Nothing claimed the upload: remove it now; if that fails, its storage_uploads row stays for the sweeper.
        if (inputReferenceKey) {
          await deps.storage.delete(inputReferenceKey)
            .then(() => forgetPendingUpload(deps.db, inputReferenceKey))
            .catch((cleanupError: unknown) => ctx.log.warn({ err: cleanupError, key: inputReferenceKey }, 'could not remove the upload of a failed create; the orphan sweeper will'));
        }
        throw error;
      }
    },

    async remix(caller: CallerContext, sourceId: string, body: RemixVideoBody, idempotency: IdempotencyClaim | null = null): Promise<VideoObject> {
      const source = await ownedVideo(caller, sourceId);
      const videoId = newId('video');
      const ctx = aboutVideo(caller, videoId);
      if (source.status !== 'completed') {
        throw new ConflictError(`Video '${sourceId}' is ${source.status}; only a completed video can be remixed.`, { param: 'video_id', code: 'video_not_completed' });
      }
      const shape = { model: source.model, size: source.size, seconds: String(source.seconds) };
      return submit(ctx, shape, {
        id: videoId,
        prompt: body.prompt,
        remixedFromVideoId: source.id,
        inputReferenceKey: null,
        inputReferenceUrl: null,
        metadata: body.metadata ?? {},
      }, idempotency);
    },

    /** The video object already serialized: the status cache holds (and answers with) its JSON. `started`: its lookup, begun with the request. */
    async retrieveJson(ctx: CallerContext, videoId: string, started: VideoCacheLookup | null = null): Promise<string> {
      const json = await deps.statusCache.readOwnedJson(ctx.userId, videoId, started);
      if (json === undefined) throw notFound('video', videoId);
      return json;
    },

    async list(ctx: CallerContext, query: ListVideosQuery): Promise<ListPage<VideoObject>> {
      return listPage(await listOwnedVideos(deps.db, ctx.userId, query), query.limit, toVideoObject);
    },

    /**
     * Soft-deletes at any status. A video the provider never had is cancelled and released at once; one it
     * has is still polled to its end and settled by the worker (the provider bills it), its assets not kept.
     * The objects are removed after commit, best-effort: the delete made the video due for the retention
     * sweeper, which removes whatever a failed removal left once the video has ended.
     */
    async delete(ctx: CallerContext, videoId: string): Promise<{ id: string; object: 'video.deleted'; deleted: true }> {
      const deleted = await deps.db.transaction().execute((trx) => softDeleteVideo(trx, ctx.userId, videoId, ctx.requestId));
      if (!deleted) throw notFound('video', videoId);
      await deps.statusCache.invalidate([videoId]);
      const keys = [...deleted.assets.map((asset) => asset.storageKey), ...(deleted.video.inputReferenceKey ? [deleted.video.inputReferenceKey] : [])];
      const removals = await Promise.allSettled(keys.map((key) => deps.storage.delete(key)));
      removals.forEach((removal, i) => {
        if (removal.status === 'rejected') ctx.log.warn({ err: removal.reason, key: keys[i] }, 'could not remove a deleted video\'s object from storage');
      });
      ctx.log.info({ status: deleted.video.status, removedObjects: keys.length }, 'video deleted');
      return { id: videoId, object: 'video.deleted', deleted: true };
    },
  };
}

export type VideoService = ReturnType<typeof createVideoService>;
