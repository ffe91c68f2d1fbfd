// Budgets as the API shows them: a limit per period (UTC day or month), for every model or one, with where
// it stands in the current period. The admin sets and clears them with one PATCH.
import { z } from 'zod';
import { BUDGET_PERIODS } from '../money/budget-period.ts';

const unixSeconds = z.number().int().nonnegative();
const micros = z.number().int();

/** Keeps (spent + reserved) × 100 within safe integers for the threshold arithmetic: $10 million. */
export const MAX_BUDGET_LIMIT_MICROS = 10_000_000_000_000;

export const BudgetPeriodSchema = z.enum(BUDGET_PERIODS);

export const BudgetObjectSchema = z.object({
  id: z.string(),
  object: z.literal('budget'),
  user_id: z.string(),
  period: BudgetPeriodSchema,
  /** null: the budget covers every model. */
  model: z.string().nullable(),
  limit_micros: micros,
  spent_micros: micros,
  reserved_micros: micros,
  /** limit − spent − reserved, never below 0. */
  remaining_micros: micros,
  currency: z.literal('usd'),
  period_start: unixSeconds,
  period_end: unixSeconds,
});
export type BudgetObject = z.infer<typeof BudgetObjectSchema>;

export const BudgetListSchema = z.object({
  object: z.literal('list'),
  data: z.array(BudgetObjectSchema),
});

export const BudgetChangeSchema = z.strictObject({
  period: BudgetPeriodSchema,
  /** Omitted or null: the budget for every model. */
  model: z.string().min(1).max(200).nullable().default(null),
  /** A new limit, or null to remove the budget (no limit for that period and model). */
  limit_micros: z.number().int().min(0).max(MAX_BUDGET_LIMIT_MICROS).nullable(),
});
export type BudgetChange = z.infer<typeof BudgetChangeSchema>;

export const UpdateBudgetsBodySchema = z.strictObject({
  budgets: z.array(BudgetChangeSchema).min(1).max(32),
}).refine(
  (body) => new Set(body.budgets.map((change) => `${change.period}/${change.model ?? ''}`)).size === body.budgets.length,
  { message: 'each period and model may appear once', path: ['budgets'] },
);
export type UpdateBudgetsBody = z.infer<typeof UpdateBudgetsBodySchema>;
