// Videos as the API records them: the row (status queued) and its reservation, in one transaction.
import {
  DEFAULT_MODEL_CATALOG, newId, priceVideoMicros, reserveCost, type Db, type LedgerEntryKind, type Video,
} from '@sora-studio/shared';

export interface VideoInput {
  userId: string;
  prompt?: string;
  model?: string;
  seconds?: number;
  size?: string;
  remixedFromVideoId?: string;
  inputReferenceUrl?: string;
  inputReferenceKey?: string;
}

export async function insertQueuedVideo(db: Db, input: VideoInput): Promise<Video> {
  const model = input.model ?? 'sora-2';
  const seconds = input.seconds ?? 4;
  const size = input.size ?? '720x1280';
  const estimatedCostMicros = priceVideoMicros(DEFAULT_MODEL_CATALOG, { model, size, seconds: String(seconds) });
  return db.transaction().execute(async (trx) => {
    const video = await trx.insertInto('videos').values({
      id: newId('video'),
      userId: input.userId,
      model,
      prompt: input.prompt ?? 'a red fox crossing a snowy field',
      seconds,
      size,
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

/** The video's ledger as kind → amount. */
export async function ledgerOf(db: Db, videoId: string): Promise<Partial<Record<LedgerEntryKind, number>>> {
  const rows = await db.selectFrom('ledgerEntries').select(['kind', 'amountMicros']).where('videoId', '=', videoId).execute();
  return Object.fromEntries(rows.map((row) => [row.kind, row.amountMicros]));
}

export async function readVideo(db: Db, videoId: string): Promise<Video> {
  return db.selectFrom('videos').selectAll().where('id', '=', videoId).executeTakeFirstOrThrow();
}
