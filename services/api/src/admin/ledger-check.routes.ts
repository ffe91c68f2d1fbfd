// GET /admin/ledger/check: proves that every video's money and every budget counter reconcile.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { checkLedger, LedgerCheckSchema, type Db, type LedgerCheck, type LedgerCheckObject } from '@sora-studio/shared';
import { unixSeconds } from '../unix-seconds.ts';
import { ADMIN_KEY_SECURITY, ERROR_RESPONSES } from '../plugins/swagger.ts';

function toLedgerCheckObject(check: LedgerCheck): LedgerCheckObject {
  return {
    object: 'ledger.check',
    ok: check.ok,
    videos_checked: check.videosChecked,
    budget_periods_checked: check.budgetPeriodsChecked,
    mismatches: check.mismatches.map((mismatch) => ({
      kind: mismatch.kind,
      video_id: mismatch.videoId,
      budget_id: mismatch.budgetId,
      period_start: unixSeconds(mismatch.periodStart),
      figures: mismatch.figures,
    })),
  };
}

export const ledgerCheckRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get('/ledger/check', {
    schema: {
      tags: ['admin'],
      security: ADMIN_KEY_SECURITY,
      summary: 'Check that the ledger and the budget counters reconcile',
      description: 'For every finished video: reserve = settle + release (release 0 when the provider delivered more than was reserved), and a completed one settled its actual cost; every unfinished video holds a reservation it has not closed; every budget period\'s reserved and spent equal its holds. `ok` is true when nothing differs.',
      response: { 200: LedgerCheckSchema, ...ERROR_RESPONSES },
    },
  }, async () => toLedgerCheckObject(await checkLedger(db)));
};
