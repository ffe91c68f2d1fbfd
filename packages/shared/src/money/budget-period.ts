// Budget periods are UTC calendar days and months. A reservation takes its period from the transaction's
// now(), the instant that also stamps the video and its ledger rows, so they always agree on the period.
import { sql, type Expression, type RawBuilder } from 'kysely';
import type { BudgetPeriod } from '../db/database.ts';

export const BUDGET_PERIODS = ['day', 'month'] as const satisfies readonly BudgetPeriod[];

/** The start of the period that contains `at` (the transaction's now() when omitted), computed by Postgres. */
export function periodStartSql(period: BudgetPeriod | Expression<string>, at?: Date): RawBuilder<Date> {
  const instant = at === undefined ? sql`now()` : sql`${at}::timestamptz`;
  return sql<Date>`date_trunc(${period}, ${instant}, 'UTC')`;
}

/** The UTC period that contains `at`: [start, end). */
export function periodBounds(period: BudgetPeriod, at: Date): { start: Date; end: Date } {
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth();
  if (period === 'month') return { start: new Date(Date.UTC(year, month, 1)), end: new Date(Date.UTC(year, month + 1, 1)) };
  const day = at.getUTCDate();
  return { start: new Date(Date.UTC(year, month, day)), end: new Date(Date.UTC(year, month, day + 1)) };
}
