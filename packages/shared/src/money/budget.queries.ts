// Reading and creating budgets, and where each stands in its current (or a given) period. The counters
// themselves move only through budget-reservation.ts and budget-settlement.ts.
import { sql, type Transaction } from 'kysely';
import type { Config } from '../config.ts';
import type { Budget, BudgetPeriod, Database } from '../db/database.ts';
import type { Db } from '../db/connection.ts';
import { newId } from '../ids.ts';
import { periodStartSql } from './budget-period.ts';

type Executor = Db | Transaction<Database>;

/** A budget and its counters for one period; a period nothing was reserved in yet reads as zeros. */
export interface BudgetStanding extends Budget {
  periodStart: Date;
  spentMicros: number;
  reservedMicros: number;
}

/** What is left of the limit; 0, never negative, when the provider billed beyond it. */
export function remainingMicros(standing: Pick<BudgetStanding, 'limitMicros' | 'spentMicros' | 'reservedMicros'>): number {
  return Math.max(0, standing.limitMicros - standing.spentMicros - standing.reservedMicros);
}

/**
 * The user's budgets in the periods that contain `at` (default now), ordered by id. With `model`, only the
 * budgets a video of that model draws on: those for every model and those for that model.
 */
export async function findBudgetStandings(db: Executor, userId: string, opts: { model?: string; at?: Date } = {}): Promise<BudgetStanding[]> {
  const periodStart = periodStartSql(sql.ref<string>('b.period'), opts.at);
  let query = db.selectFrom('budgets as b')
    .leftJoin('budgetUsage as u', (join) => join.onRef('u.budgetId', '=', 'b.id').on('u.periodStart', '=', periodStart))
    .selectAll('b')
    .select([
      periodStart.as('periodStart'),
      sql<number>`coalesce(${sql.ref('u.spentMicros')}, 0)`.as('spentMicros'),
      sql<number>`coalesce(${sql.ref('u.reservedMicros')}, 0)`.as('reservedMicros'),
    ])
    .where('b.userId', '=', userId)
    .orderBy('b.id');
  if (opts.model !== undefined) {
    const model = opts.model;
    query = query.where((eb) => eb.or([eb('b.model', 'is', null), eb('b.model', '=', model)]));
  }
  return query.execute();
}

export interface BudgetLimits {
  monthlyMicros: number;
  dailyMicros: number;
}

export function defaultBudgetLimits(config: Pick<Config, 'DEFAULT_MONTHLY_BUDGET_MICROS' | 'DEFAULT_DAILY_BUDGET_MICROS'>): BudgetLimits {
  return { monthlyMicros: config.DEFAULT_MONTHLY_BUDGET_MICROS, dailyMicros: config.DEFAULT_DAILY_BUDGET_MICROS };
}

/** A new user's budgets for every model: monthly and daily, each only when its default is above 0. */
export async function createDefaultBudgets(db: Executor, userId: string, limits: BudgetLimits): Promise<void> {
  const rows: { period: BudgetPeriod; limitMicros: number }[] = [
    { period: 'month', limitMicros: limits.monthlyMicros },
    { period: 'day', limitMicros: limits.dailyMicros },
  ];
  const budgets = rows.filter((row) => row.limitMicros > 0).map((row) => ({ id: newId('budget'), userId, model: null, ...row }));
  if (budgets.length > 0) await db.insertInto('budgets').values(budgets).execute();
}
