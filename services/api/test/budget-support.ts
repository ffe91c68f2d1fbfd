// Budgets and money for the API tests: set a user's limits through the admin route, read the counters, and
// prove the ledger reconciles through the admin endpoint.
import { expect } from 'vitest';
import { LedgerCheckSchema, type BudgetChange } from '@sora-studio/shared';
import { videoPriceMicros } from '@sora-studio/testkit';
import { ADMIN_KEY, call, type ApiHarness } from './api-harness.ts';

/** sora-2, 4 s, 720x1280: the create's defaults, at $0.10/s. */
export const DEFAULT_VIDEO_MICROS = videoPriceMicros();

export async function setBudgets(api: ApiHarness, userId: string, budgets: Partial<BudgetChange>[]) {
  const result = await call(api, 'PATCH', `/admin/users/${userId}/budgets`, { key: ADMIN_KEY, json: { budgets } });
  expect(result.status, result.text).toBe(200);
  return result.body as { data: { id: string; period: string; model: string | null; limit_micros: number }[] };
}

/** The counters of the user's budgets in their current periods, by "period/model". */
export async function countersOf(api: ApiHarness, userId: string): Promise<Record<string, { reserved: number; spent: number }>> {
  const rows = await api.db.selectFrom('budgets as b')
    .innerJoin('budgetUsage as u', 'u.budgetId', 'b.id')
    .select(['b.period', 'b.model', 'u.reservedMicros', 'u.spentMicros'])
    .where('b.userId', '=', userId)
    .execute();
  return Object.fromEntries(rows.map((row) => [`${row.period}/${row.model ?? '*'}`, { reserved: row.reservedMicros, spent: row.spentMicros }]));
}

/** GET /admin/ledger/check must answer ok, with nothing mismatched. */
export async function expectLedgerReconciles(api: ApiHarness) {
  const result = await call(api, 'GET', '/admin/ledger/check', { key: ADMIN_KEY });
  expect(result.status).toBe(200);
  const check = LedgerCheckSchema.parse(result.body);
  expect(check.mismatches).toEqual([]);
  expect(check.ok).toBe(true);
  return check;
}

export function createVideo(api: ApiHarness, key: string, body: Record<string, unknown> = {}) {
  return call(api, 'POST', '/v1/videos', { key, json: { prompt: 'a budgeted video', ...body } });
}
