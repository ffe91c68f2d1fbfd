// GET /admin/ledger/check: whether every video's money and every budget counter reconcile, and where not.
import { z } from 'zod';

export const LedgerCheckSchema = z.object({
  object: z.literal('ledger.check'),
  ok: z.boolean(),
  videos_checked: z.number().int(),
  budget_periods_checked: z.number().int(),
  mismatches: z.array(z.object({
    kind: z.string(),
    video_id: z.string().nullable(),
    budget_id: z.string().nullable(),
    period_start: z.number().int().nullable(),
    figures: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
  })),
});
export type LedgerCheckObject = z.infer<typeof LedgerCheckSchema>;
