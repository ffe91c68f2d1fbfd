// Budgets and videos with their money, written through the same ledger functions the API and the worker call:
// a submit reserves in the transaction that inserts the video; an end settles or releases under the video's
// lock, as finalize and a failure do.
import {
  DEFAULT_MODEL_CATALOG, lockVideo, newId, priceVideoMicros, releaseReservation, reserveCost, settleVideoCost, updateVideo,
  type BudgetPeriod, type Db, type Settlement, type Video,
} from '@sora-studio/shared';

export async function createBudget(db: Db, userId: string, period: BudgetPeriod, limitMicros: number, model: string | null = null): Promise<string> {
  const id = newId('budget');
  await db.insertInto('budgets').values({ id, userId, period, model, limitMicros }).execute();
  return id;
}

export interface VideoShapeInput {
  model?: string;
  size?: string;
  seconds?: number;
}

export function videoPriceMicros(shape: VideoShapeInput = {}): number {
  return priceVideoMicros(DEFAULT_MODEL_CATALOG, { model: shape.model ?? 'sora-2', size: shape.size ?? '720x1280', seconds: String(shape.seconds ?? 4) });
}

/** What a test may choose about a queued video; the rest is what the API writes for a plain create. */
export interface QueuedVideoInput extends VideoShapeInput {
  prompt?: string;
  remixedFromVideoId?: string;
  inputReferenceUrl?: string;
  inputReferenceKey?: string;
}

/**
 * A queued video and the reservation of its estimated cost, in one transaction, as the API's create writes
 * them. Rejects with InsufficientQuotaError, leaving nothing behind, when a budget has no room.
 */
export async function createReservedVideo(db: Db, userId: string, input: QueuedVideoInput = {}): Promise<Video> {
  const estimatedCostMicros = videoPriceMicros(input);
  return db.transaction().execute(async (trx) => {
    const video = await trx.insertInto('videos').values({
      id: newId('video'),
      userId,
      model: input.model ?? 'sora-2',
      prompt: input.prompt ?? 'a red fox crossing a snowy field',
      seconds: input.seconds ?? 4,
      size: input.size ?? '720x1280',
      status: 'queued',
      provider: 'emulator',
      estimatedCostMicros,
      remixedFromVideoId: input.remixedFromVideoId ?? null,
      inputReferenceUrl: input.inputReferenceUrl ?? null,
      inputReferenceKey: input.inputReferenceKey ?? null,
      requestId: newId('req'),
    }).returningAll().executeTakeFirstOrThrow();
    await reserveCost(trx, video, estimatedCostMicros);
    return video;
  });
}

/** What finalize does: settle what was delivered and complete the video, under its lock. */
export async function completeReservedVideo(db: Db, videoId: string, delivered: VideoShapeInput = {}): Promise<Settlement> {
  const actualCostMicros = videoPriceMicros(delivered);
  return db.transaction().execute(async (trx) => {
    const locked = (await lockVideo(trx, videoId))!;
    const settlement = await settleVideoCost(trx, locked, actualCostMicros);
    await updateVideo(trx, locked, { status: 'completed', actualCostMicros });
    return settlement;
  });
}

/** What a failure the provider does not bill does: release everything and fail the video. */
export async function failReservedVideo(db: Db, videoId: string): Promise<Settlement> {
  return db.transaction().execute(async (trx) => {
    const locked = (await lockVideo(trx, videoId))!;
    const settlement = await releaseReservation(trx, locked);
    await updateVideo(trx, locked, { status: 'failed', errorCode: 'internal_error', errorMessage: 'failed in a test' });
    return settlement;
  });
}

export async function budgetCounters(db: Db, budgetId: string): Promise<{ reserved: number; spent: number }> {
  const row = await db.selectFrom('budgetUsage').select(['reservedMicros', 'spentMicros']).where('budgetId', '=', budgetId).executeTakeFirst();
  return { reserved: row?.reservedMicros ?? 0, spent: row?.spentMicros ?? 0 };
}

export async function budgetThresholds(db: Db, budgetId: string): Promise<number[]> {
  const rows = await db.selectFrom('budgetEvents').select('thresholdPercent').where('budgetId', '=', budgetId).orderBy('id').execute();
  return rows.map((row) => row.thresholdPercent);
}
