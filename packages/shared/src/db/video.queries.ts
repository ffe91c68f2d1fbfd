// Video queries that both the API and the worker run. A status change and its event are one transaction.
import type { Transaction } from 'kysely';
import type { VideoStatus } from '../contract/video.schemas.ts';
import type { Database, Video } from './database.ts';
import type { Db } from './connection.ts';

export type VideoPatch = Partial<Pick<Video,
  | 'status' | 'progress' | 'providerVideoId' | 'providerStatus' | 'actualCostMicros' | 'deliveredSeconds'
  | 'deliveredSize' | 'errorCode' | 'errorMessage' | 'completedAt' | 'expiresAt' | 'submitAttempts' | 'cancelRequestedAt'>>;

export interface VideoEventInput {
  type: string;
  data?: Record<string, unknown>;
  requestId?: string | null;
}

export async function findVideo(db: Db | Transaction<Database>, videoId: string): Promise<Video | undefined> {
  return db.selectFrom('videos').selectAll().where('id', '=', videoId).executeTakeFirst();
}

/** Locks the row for the rest of the transaction, so concurrent steps of one video take turns. */
export async function lockVideo(trx: Transaction<Database>, videoId: string): Promise<Video | undefined> {
  return trx.selectFrom('videos').selectAll().where('id', '=', videoId).forUpdate().executeTakeFirst();
}

/**
 * Applies a patch in the caller's transaction. A status change always appends its event (type
 * `video.<status>` unless the caller names one); other patches append one only when given. The caller
 * passes the row it locked, so the event's `from` is what was really there.
 */
export async function updateVideo(
  trx: Transaction<Database>,
  current: Video,
  patch: VideoPatch,
  event?: VideoEventInput,
): Promise<Video> {
  const updated = await trx.updateTable('videos')
    .set({ ...patch, updatedAt: new Date() })
    .where('id', '=', current.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const toStatus: VideoStatus | null = patch.status && patch.status !== current.status ? patch.status : null;
  if (toStatus || event) {
    await trx.insertInto('videoEvents').values({
      videoId: current.id,
      type: event?.type ?? `video.${toStatus}`,
      fromStatus: toStatus ? current.status : null,
      toStatus,
      data: event?.data ?? {},
      requestId: event?.requestId ?? current.requestId,
    }).execute();
  }
  return updated;
}
