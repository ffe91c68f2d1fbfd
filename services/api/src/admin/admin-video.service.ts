// Videos as the admin sees them: every user's, a summary of the fleet, and resolving a video the pipeline
// cannot end by itself (a stalled one, typically). Resolving goes through the lifecycle helper and the
// ledger functions like any other end, and is written to the audit log in the same transaction.
import {
  changeVideo, ConflictError, isTerminal, lockVideo, moneyPayload, notFound, releaseReservation, settleVideoCost, UNFINISHED_STATUSES,
  type AdminSummary, type AdminVideoObject, type Db, type ListAdminVideosQuery, type ResolveVideoBody, type Video, type VideoCacheInvalidator,
} from '@sora-studio/shared';
import { listPage, type ListPage } from '../pagination.ts';
import { unixSeconds } from '../unix-seconds.ts';
import { toVideoObject } from '../videos/video.mapper.ts';
import { recordAudit } from './audit-log.repo.ts';
import { countStalledVideos, countVideosByStatus, listAllVideos } from './admin-video.repo.ts';

/** The error code a resolved video carries. */
export const RESOLVED_BY_ADMIN = 'resolved_by_admin';

function toAdminVideoObject(video: Video): AdminVideoObject {
  return {
    ...toVideoObject(video),
    user_id: video.userId,
    provider_video_id: video.providerVideoId,
    provider_status: video.providerStatus,
    submit_attempts: video.submitAttempts,
    stalled_at: unixSeconds(video.stalledAt),
    stalled_reason: video.stalledReason,
    last_progress_at: unixSeconds(video.lastProgressAt),
    deleted_at: unixSeconds(video.deletedAt),
  };
}

export function createAdminVideoService(deps: { db: Db; videoCache: VideoCacheInvalidator }) {
  return {
    async list(query: ListAdminVideosQuery): Promise<ListPage<AdminVideoObject>> {
      return listPage(await listAllVideos(deps.db, query), query.limit, toAdminVideoObject);
    },

    async summary(): Promise<AdminSummary> {
      const [byStatus, stalled] = await Promise.all([countVideosByStatus(deps.db), countStalledVideos(deps.db)]);
      const unfinished = UNFINISHED_STATUSES.reduce((sum, status) => sum + byStatus[status], 0);
      return { object: 'admin.summary', videos: { by_status: byStatus, unfinished, stalled } };
    },

    /**
     * Ends an unfinished video as failed, its reservation released in full (`fail_release`) or settled at
     * the reserved amount (`fail_settle`). The worker, when it next runs the video's job, finds it terminal
     * and does nothing more. A video that already ended is a 409.
     */
    async resolve(actor: string, videoId: string, body: ResolveVideoBody): Promise<AdminVideoObject> {
      const video = await deps.db.transaction().execute(async (trx) => {
        const locked = await lockVideo(trx, videoId);
        if (!locked) throw notFound('video', videoId);
        if (isTerminal(locked)) {
          throw new ConflictError(`Video '${videoId}' is ${locked.status}; only an unfinished video can be resolved.`, { param: 'video_id', code: 'video_finished' });
        }
        const settle = body.action === 'fail_settle';
        const money = settle ? await settleVideoCost(trx, locked, locked.estimatedCostMicros) : await releaseReservation(trx, locked);
        const message = `Resolved by an operator (${body.action})${body.reason ? `: ${body.reason}` : '.'}`;
        const ended = await changeVideo(trx, locked, {
          status: 'failed', errorCode: RESOLVED_BY_ADMIN, errorMessage: message, ...(settle ? { actualCostMicros: money.settledMicros } : {}),
        }, { type: 'video.failed', data: { code: RESOLVED_BY_ADMIN, message, ...moneyPayload(money) } });
        await recordAudit(trx, {
          actor,
          action: 'video.resolved',
          targetId: videoId,
          data: { action: body.action, reason: body.reason ?? null, stalled_reason: locked.stalledReason, ...moneyPayload(money) },
        });
        return ended;
      });
      await deps.videoCache.invalidate([videoId]);
      return toAdminVideoObject(video);
    },
  };
}

export type AdminVideoService = ReturnType<typeof createAdminVideoService>;
