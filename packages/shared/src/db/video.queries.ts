// Video queries that both the API and the worker (and the testkit) run, each in the caller's transaction.
// Status changes go through videos/video-transition.ts; these are the writes around a video's birth and deletion.
import type { Transaction } from 'kysely';
import { budgetsToHoldQuery, reserveOnBudgets, type HeldBudget } from '../money/budget-reservation.ts';
import { lockVideo, changeVideo } from '../videos/video-transition.ts';
import { neverReachedProvider } from '../videos/video-lifecycle.ts';
import type { Database, Video, VideoAsset } from './database.ts';
import type { Db } from './connection.ts';
import { reserveEntryInsert } from './ledger.queries.ts';
import { cancelUnsubmittedVideo } from './video-cancel.queries.ts';

type Trx = Transaction<Database>;

export type NewVideo = Pick<Video,
  | 'id' | 'userId' | 'model' | 'prompt' | 'seconds' | 'size' | 'provider' | 'remixedFromVideoId' | 'inputReferenceKey'
  | 'inputReferenceUrl' | 'estimatedCostMicros' | 'metadata' | 'requestId'>;

export async function findVideo(db: Db | Trx, videoId: string): Promise<Video | undefined> {
  return db.selectFrom('videos').selectAll().where('id', '=', videoId).executeTakeFirst();
}

export interface InsertQueuedVideoOptions {
  /**
   * Writes what else must commit with the video (an idempotency record), after the row and before the budget
   * counters are locked, so that lock is held for the counters' write and the COMMIT only.
   */
  beforeReserving?: (row: Video) => Promise<void>;
}

/**
 * The row, its `video.queued` event and the reservation of its estimated cost. The caller's transaction
 * makes them all or nothing (with whatever else must commit with the video, see `beforeReserving`);
 * a budget without room throws InsufficientQuotaError. The row, its event, its ledger entry and the read of
 * the budgets it draws on go in one statement (data-modifying CTEs: one round trip instead of four), then
 * each budget's counter is reserved with its hold.
 */
export async function insertQueuedVideo(trx: Trx, video: NewVideo, opts: InsertQueuedVideoOptions = {}): Promise<Video> {
  const rows = await trx
    .with('video', (db) => db.insertInto('videos').values({ ...video, status: 'queued' }).returningAll())
    // The event of a new video (video-transition.ts writes every later one); the values are the row's own.
    .with('queuedEvent', (db) => db.insertInto('videoEvents').values({
      videoId: video.id,
      type: 'video.queued',
      fromStatus: null,
      toStatus: 'queued',
      data: { model: video.model, size: video.size, seconds: video.seconds, estimated_cost_micros: video.estimatedCostMicros },
      requestId: video.requestId,
    }))
    .with('reserveEntry', (db) => reserveEntryInsert(db, video, video.estimatedCostMicros))
    .with('budget', (db) => budgetsToHoldQuery(db, video))
    // One row per budget, or one with no budget.
    .selectFrom('video')
    .leftJoin('budget', (join) => join.onTrue())
    .selectAll('video')
    .select(['budget.id as budgetId', 'budget.userId as budgetUserId', 'budget.period as budgetPeriod', 'budget.model as budgetModel', 'budget.limitMicros as budgetLimitMicros'])
    .orderBy('budget.id')
    .execute();
  const budgets: HeldBudget[] = rows.flatMap((budget) => (budget.budgetId === null ? [] : [{
    id: budget.budgetId, userId: budget.budgetUserId!, period: budget.budgetPeriod!, model: budget.budgetModel, limitMicros: budget.budgetLimitMicros!,
  }]));
  const { budgetId: _id, budgetUserId: _userId, budgetPeriod: _period, budgetModel: _model, budgetLimitMicros: _limit, ...row } = rows[0]!;
  await opts.beforeReserving?.(row);
  await reserveOnBudgets(trx, row, budgets, row.estimatedCostMicros);
  return row;
}

/**
 * Marks the owner's video deleted with a `video.deleted` event and forgets its asset rows, returning them so
 * the caller can remove the objects after commit. A video the provider never had is also cancelled, its
 * reservation released; one the provider has (or may be getting) is polled to its end and settled by the
 * worker, deleted or not. Undefined when the video is not the owner's or was deleted already.
 *
 * The caller's removal is best-effort, so the delete also makes the video due for the retention sweeper
 * (expires_at now, unless already past): once the video has ended, the sweeper removes whatever is left of
 * its objects, its input_reference included, and marks it purged.
 */
export async function softDeleteVideo(trx: Trx, userId: string, videoId: string, requestId: string): Promise<{ video: Video; assets: VideoAsset[] } | undefined> {
  let locked = await lockVideo(trx, videoId);
  if (!locked || locked.userId !== userId || locked.deletedAt !== null) return undefined;
  const statusBefore = locked.status;
  if (neverReachedProvider(locked)) locked = await cancelUnsubmittedVideo(trx, locked, 'deleted', requestId);
  const now = new Date();
  const expiresAt = locked.expiresAt !== null && locked.expiresAt < now ? locked.expiresAt : now;
  const video = await changeVideo(trx, locked, { deletedAt: now, expiresAt }, { type: 'video.deleted', data: { status: statusBefore } }, requestId);
  const assets = await trx.deleteFrom('videoAssets').where('videoId', '=', videoId).returningAll().execute();
  return { video, assets };
}

