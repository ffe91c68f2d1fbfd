// Budgets and videos with their money, written through the same functions the API and the worker call: a
// create inserts the video, its event and its reservation in one transaction (insertQueuedVideo); an end
// settles or releases under the video's lock and changes its status through the lifecycle helper.
import {
  changeVideo, DEFAULT_MODEL_CATALOG, insertQueuedVideo, lockVideo, moneyPayload, newId, priceVideoMicros, releaseReservation,
  settleVideoCost, type BudgetPeriod, type Db, type LockedVideo, type Settlement, type Database, type Video,
} from '@sora-studio/shared';
import type { Transaction } from 'kysely';

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
 * A queued video, its `video.queued` event and the reservation of its estimated cost, in one transaction, as
 * the API's create writes them. Rejects with InsufficientQuotaError, leaving nothing behind, when a budget has no room.
 */
export async function createReservedVideo(db: Db, userId: string, input: QueuedVideoInput = {}): Promise<Video> {
  return db.transaction().execute((trx) => insertQueuedVideo(trx, {
    id: newId('video'),
    userId,
    model: input.model ?? 'sora-2',
    prompt: input.prompt ?? 'a red fox crossing a snowy field',
    seconds: input.seconds ?? 4,
    size: input.size ?? '720x1280',
    provider: 'emulator',
    estimatedCostMicros: videoPriceMicros(input),
    remixedFromVideoId: input.remixedFromVideoId ?? null,
    inputReferenceUrl: input.inputReferenceUrl ?? null,
    inputReferenceKey: input.inputReferenceKey ?? null,
    metadata: {},
    requestId: newId('req'),
  }));
}

/** A queued video goes to the provider before it can end: as a submit does, it gets a provider id first. */
async function atProvider(trx: Transaction<Database>, locked: LockedVideo): Promise<LockedVideo> {
  if (locked.status !== 'queued') return locked;
  const providerVideoId = `video_provider_${locked.id}`;
  return changeVideo(trx, locked, { status: 'in_progress', providerVideoId, providerStatus: 'in_progress', submitAttempts: 1 }, {
    type: 'video.submitted', data: { provider_video_id: providerVideoId, provider_status: 'in_progress', attempt: 1 },
  });
}

/** What finalize does: settle what was delivered and complete the video, under its lock. */
export async function completeReservedVideo(db: Db, videoId: string, delivered: VideoShapeInput = {}): Promise<Settlement> {
  const actualCostMicros = videoPriceMicros(delivered);
  return db.transaction().execute(async (trx) => {
    const locked = await atProvider(trx, (await lockVideo(trx, videoId))!);
    const settlement = await settleVideoCost(trx, locked, actualCostMicros);
    const deliveredSeconds = delivered.seconds ?? locked.seconds;
    const deliveredSize = delivered.size ?? locked.size;
    await changeVideo(trx, locked, { status: 'completed', actualCostMicros, deliveredSeconds, deliveredSize, progress: 100, completedAt: new Date() }, {
      type: 'video.completed', data: { ...moneyPayload(settlement), delivered_seconds: deliveredSeconds, delivered_size: deliveredSize },
    });
    return settlement;
  });
}

/** What a failure the provider does not bill does: release everything and fail the video. */
export async function failReservedVideo(db: Db, videoId: string): Promise<Settlement> {
  return db.transaction().execute(async (trx) => {
    const locked = (await lockVideo(trx, videoId))!;
    const settlement = await releaseReservation(trx, locked);
    const failure = { code: 'internal_error', message: 'failed in a test' };
    await changeVideo(trx, locked, { status: 'failed', errorCode: failure.code, errorMessage: failure.message }, {
      type: 'video.failed', data: { ...moneyPayload(settlement), ...failure },
    });
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
