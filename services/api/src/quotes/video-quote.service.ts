// Quotes: what a create with this body would cost and what each budget would have left after it. Reads
// only; the same pricing as the create, so the quote is the create's estimate to the micro-dollar.
import {
  findBudgetStandings, priceVideoMicros, resolveVideoShape, type Config, type CreateVideoBody, type Db, type VideoQuote,
} from '@sora-studio/shared';
import { toBudgetObject } from '../admin/budget.mapper.ts';
import type { CallerContext } from '../caller-context.ts';
import { checkImage, checkInputReference } from '../videos/video-input-reference.ts';
import type { UploadedFile } from '../videos/video-multipart.ts';

export function createVideoQuoteService(deps: { config: Config; db: Db }) {
  const catalog = deps.config.MODEL_CATALOG;
  return {
    /** Refuses what a create of the same request would refuse before pricing it (the upload is checked, not stored). */
    async quote(ctx: CallerContext, body: CreateVideoBody, upload: UploadedFile | null): Promise<VideoQuote> {
      const shape = resolveVideoShape(catalog, body);
      checkInputReference(body, upload, deps.config.MAX_UPLOAD_BYTES);
      if (upload) checkImage(upload);
      const estimatedCostMicros = priceVideoMicros(catalog, shape);
      const standings = await findBudgetStandings(deps.db, ctx.userId, { model: shape.model });
      const budgets = standings.map((standing) => ({
        ...toBudgetObject(standing),
        remaining_after_micros: standing.limitMicros - standing.spentMicros - standing.reservedMicros - estimatedCostMicros,
      }));
      return {
        object: 'video.quote',
        ...shape,
        estimated_cost_micros: estimatedCostMicros,
        currency: 'usd',
        allowed: budgets.every((budget) => budget.remaining_after_micros >= 0),
        budgets,
      };
    },
  };
}

export type VideoQuoteService = ReturnType<typeof createVideoQuoteService>;
