// POST /v1/videos/quote: the create body in, the exact estimate and each budget's room after it out.
import { z } from 'zod';
import { BudgetObjectSchema } from './budget.schemas.ts';

export const QuoteBudgetSchema = BudgetObjectSchema.extend({
  /** What would be left after this video; negative when the budget would refuse it. */
  remaining_after_micros: z.number().int(),
});

export const VideoQuoteSchema = z.object({
  object: z.literal('video.quote'),
  model: z.string(),
  size: z.string(),
  seconds: z.string(),
  estimated_cost_micros: z.number().int().nonnegative(),
  currency: z.literal('usd'),
  /** Whether a create with this body would be accepted by every budget now. */
  allowed: z.boolean(),
  budgets: z.array(QuoteBudgetSchema),
});
export type VideoQuote = z.infer<typeof VideoQuoteSchema>;
