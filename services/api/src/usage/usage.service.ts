// Usage for the caller (by day and by model, with the budgets) and for the admin (by user and model).
import {
  findBudgetStandings, periodBounds, type AdminUsage, type Db, type UsageAmounts, type UsageObject, type UsageQuery,
} from '@sora-studio/shared';
import { toBudgetObject } from '../admin/budget.mapper.ts';
import type { CallerContext } from '../caller-context.ts';
import { unixSeconds } from '../unix-seconds.ts';
import { sumUsage, type UsageRow } from './usage.repo.ts';

const NO_USAGE: UsageAmounts = { settled_micros: 0, reserved_micros: 0, videos: 0 };

function add(total: UsageAmounts, row: UsageRow): UsageAmounts {
  return {
    settled_micros: total.settled_micros + row.settledMicros,
    reserved_micros: total.reserved_micros + row.reservedMicros,
    videos: total.videos + row.videos,
  };
}

/** The rows summed per key, in the order the keys first appear. */
function sumBy(rows: UsageRow[], keyOf: (row: UsageRow) => string): [string, UsageAmounts][] {
  const sums = new Map<string, UsageAmounts>();
  for (const row of rows) sums.set(keyOf(row), add(sums.get(keyOf(row)) ?? NO_USAGE, row));
  return [...sums];
}

function byModel(rows: UsageRow[]): (UsageAmounts & { model: string })[] {
  return sumBy(rows, (row) => row.model).map(([model, amounts]) => ({ model, ...amounts })).sort((a, b) => a.model.localeCompare(b.model));
}

function periodOf(query: UsageQuery) {
  const at = query.start === undefined ? new Date() : new Date(query.start * 1000);
  const range = periodBounds(query.period, at);
  const fields = { period: query.period, start_time: unixSeconds(range.start), end_time: unixSeconds(range.end), currency: 'usd' as const };
  return { at, range, fields };
}

export function createUsageService(deps: { db: Db }) {
  return {
    async forCaller(ctx: CallerContext, query: UsageQuery): Promise<UsageObject> {
      const { at, range, fields } = periodOf(query);
      const [rows, standings] = await Promise.all([sumUsage(deps.db, range, ctx.userId), findBudgetStandings(deps.db, ctx.userId, { at })]);
      return {
        object: 'usage',
        user_id: ctx.userId,
        ...fields,
        ...rows.reduce(add, NO_USAGE),
        by_day: sumBy(rows, (row) => row.day.toISOString().slice(0, 10)).map(([date, amounts]) => ({ date, ...amounts })),
        by_model: byModel(rows),
        budgets: standings.map(toBudgetObject),
      };
    },

    async acrossUsers(query: UsageQuery): Promise<AdminUsage> {
      const { range, fields } = periodOf(query);
      const rows = await sumUsage(deps.db, range);
      const users = Map.groupBy(rows, (row) => row.userId);
      return {
        object: 'list',
        ...fields,
        data: [...users].map(([userId, userRows]) => ({
          object: 'usage.user' as const,
          user_id: userId,
          ...userRows.reduce(add, NO_USAGE),
          by_model: byModel(userRows),
        })),
      };
    },
  };
}

export type UsageService = ReturnType<typeof createUsageService>;
