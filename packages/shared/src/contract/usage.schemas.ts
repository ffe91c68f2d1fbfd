// Usage for a UTC day or month: settled and still-reserved money, by day and by model, and the budgets.
// Money counts in the period its reservation was made, the same rule the budgets follow.
import { z } from 'zod';
import { BudgetObjectSchema, BudgetPeriodSchema } from './budget.schemas.ts';
import { UnixSecondsQuerySchema } from './unix-seconds.schemas.ts';

const unixSeconds = z.number().int().nonnegative();

export const UsageQuerySchema = z.strictObject({
  period: BudgetPeriodSchema.default('month'),
  /** Any instant (unix seconds) in the period to report; now when omitted. */
  start: UnixSecondsQuerySchema.optional(),
});
export type UsageQuery = z.infer<typeof UsageQuerySchema>;

export const UsageAmountsSchema = z.object({
  /** What completed videos were settled at. */
  settled_micros: z.number().int(),
  /** What unfinished videos still hold. */
  reserved_micros: z.number().int(),
  videos: z.number().int(),
});
export type UsageAmounts = z.infer<typeof UsageAmountsSchema>;

const periodFields = {
  period: BudgetPeriodSchema,
  start_time: unixSeconds,
  end_time: unixSeconds,
  currency: z.literal('usd'),
};

export const UsageByModelSchema = UsageAmountsSchema.extend({ model: z.string() });

export const UsageObjectSchema = UsageAmountsSchema.extend({
  object: z.literal('usage'),
  user_id: z.string(),
  ...periodFields,
  /** UTC days with any money, oldest first. */
  by_day: z.array(UsageAmountsSchema.extend({ date: z.iso.date() })),
  by_model: z.array(UsageByModelSchema),
  /** The caller's budgets, each in its period that contains the requested instant. */
  budgets: z.array(BudgetObjectSchema),
});
export type UsageObject = z.infer<typeof UsageObjectSchema>;

export const UserUsageSchema = UsageAmountsSchema.extend({
  object: z.literal('usage.user'),
  user_id: z.string(),
  by_model: z.array(UsageByModelSchema),
});

export const AdminUsageSchema = z.object({
  object: z.literal('list'),
  ...periodFields,
  /** Every user with money in the period, by user id. */
  data: z.array(UserUsageSchema),
});
export type AdminUsage = z.infer<typeof AdminUsageSchema>;
