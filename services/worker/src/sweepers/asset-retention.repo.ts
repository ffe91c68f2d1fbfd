// The retention sweeper's questions to Postgres. A video is due when the time of its stored objects has come
// (expires_at: set by finalize from ASSET_RETENTION_SECONDS, or by a delete) and they are not purged yet; the
// partial index videos_retention_due_idx holds exactly those rows, so a run reads only what is due.
import { TERMINAL_STATUSES, type Video, type VideoAsset, type Database } from '@sora-studio/shared';
import type { Transaction } from 'kysely';

type Trx = Transaction<Database>;

export type DueVideo = Pick<Video, 'id' | 'status' | 'deletedAt' | 'inputReferenceKey' | 'expiresAt'>;

/**
 * Locks up to `limit` due videos, oldest due first, for the rest of the transaction. `skip locked`: a second
 * run at the same moment (a run that outlasted its interval) takes the next ones, never the same. Only
 * terminal videos: a deleted video still at the provider may yet have assets copied, so it waits for its end.
 */
export async function lockDueVideos(trx: Trx, now: Date, limit: number): Promise<DueVideo[]> {
  return trx.selectFrom('videos')
    .select(['id', 'status', 'deletedAt', 'inputReferenceKey', 'expiresAt'])
    .where('expiresAt', '<=', now)
    .where('assetsPurgedAt', 'is', null)
    .where('status', 'in', TERMINAL_STATUSES)
    .orderBy('expiresAt')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/** The asset rows of these videos (kept after a purge: they are the record of what was stored, sha256 and bytes). */
export async function findRecordedAssets(trx: Trx, videoIds: readonly string[]): Promise<Pick<VideoAsset, 'videoId' | 'storageKey' | 'bytes'>[]> {
  if (videoIds.length === 0) return [];
  return trx.selectFrom('videoAssets').select(['videoId', 'storageKey', 'bytes']).where('videoId', 'in', videoIds).execute();
}
