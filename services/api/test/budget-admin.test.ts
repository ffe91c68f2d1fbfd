// The admin's side of budgets: new users' defaults, reading and changing limits (audited, applied at once),
// and the ledger check endpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { BudgetListSchema } from '@sora-studio/shared';
import { completeReservedVideo } from '@sora-studio/testkit';
import { ADMIN_KEY, call, expectApiError, startApi, type ApiHarness } from './api-harness.ts';
import { createVideo, DEFAULT_VIDEO_MICROS, expectLedgerReconciles, setBudgets } from './budget-support.ts';

let api: ApiHarness;

beforeAll(async () => {
  api = await startApi('api_budget_admin', { DEFAULT_MONTHLY_BUDGET_MICROS: '20000000', DEFAULT_DAILY_BUDGET_MICROS: '5000000' });
});
afterAll(async () => {
  await expectLedgerReconciles(api);
  await api?.close();
});

const admin = (method: string, path: string, json?: unknown) => call(api, method, path, { key: ADMIN_KEY, ...(json === undefined ? {} : { json }) });

async function auditOf(userId: string) {
  const rows = await api.db.selectFrom('auditLog').selectAll().where('targetId', '=', userId).where('action', '=', 'budget.updated').orderBy('id').execute();
  return rows.map((row) => row.data);
}

describe('budgets of a new user', () => {
  it('starts a user created by the admin with the default monthly and daily budgets for every model', async () => {
    const created = await admin('POST', '/admin/users', { name: 'Budgeted' });
    const budgets = await admin('GET', `/admin/users/${created.body.id}/budgets`);

    expect(budgets.status).toBe(200);
    const list = BudgetListSchema.strict().parse(budgets.body);
    expect(list.data.map((b) => ({ period: b.period, model: b.model, limit: b.limit_micros, spent: b.spent_micros, reserved: b.reserved_micros, remaining: b.remaining_micros })).sort((a, b) => a.period.localeCompare(b.period))).toEqual([
      { period: 'day', model: null, limit: 5_000_000, spent: 0, reserved: 0, remaining: 5_000_000 },
      { period: 'month', model: null, limit: 20_000_000, spent: 0, reserved: 0, remaining: 20_000_000 },
    ]);
    const month = list.data.find((b) => b.period === 'month')!;
    const now = new Date();
    expect(month.period_start).toBe(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) / 1000);
    expect(month.period_end).toBe(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) / 1000);
  });
});

describe('PATCH /admin/users/:user_id/budgets', () => {
  it('applies a raised, a lowered and a removed limit to the very next submit', async () => {
    const user = await api.newUser();
    await setBudgets(api, user.id, [{ period: 'month', limit_micros: 2 * DEFAULT_VIDEO_MICROS }]);
    for (let i = 0; i < 2; i++) expect((await createVideo(api, user.apiKey)).status).toBe(200);
    expectApiError(await createVideo(api, user.apiKey), 429, null);

    await setBudgets(api, user.id, [{ period: 'month', limit_micros: 3 * DEFAULT_VIDEO_MICROS }]);
    expect((await createVideo(api, user.apiKey)).status).toBe(200);

    await setBudgets(api, user.id, [{ period: 'month', limit_micros: DEFAULT_VIDEO_MICROS }]);
    const refused = await createVideo(api, user.apiKey);
    expect(refused.body.error.message).toContain('limit $0.40, spent $0.00, reserved $1.20, asked $0.40');

    await setBudgets(api, user.id, [{ period: 'month', limit_micros: null }]);
    expect((await createVideo(api, user.apiKey)).status).toBe(200);
  });

  it('sets and removes daily and per-model limits, auditing each change with its before and after', async () => {
    const user = await api.newUser();
    const set = await setBudgets(api, user.id, [
      { period: 'month', limit_micros: 50_000_000 },
      { period: 'day', limit_micros: 10_000_000 },
      { period: 'month', model: 'sora-2-pro', limit_micros: 30_000_000 },
    ]);
    expect(set.data.map((b) => [b.period, b.model, b.limit_micros])).toEqual(expect.arrayContaining([
      ['month', null, 50_000_000], ['day', null, 10_000_000], ['month', 'sora-2-pro', 30_000_000],
    ]));
    const proId = set.data.find((b) => b.model === 'sora-2-pro')!.id;

    const changed = await setBudgets(api, user.id, [
      { period: 'month', model: 'sora-2-pro', limit_micros: 40_000_000 },
      { period: 'day', limit_micros: null },
      { period: 'month', limit_micros: 50_000_000 },
    ]);
    expect(changed.data.map((b) => [b.period, b.model, b.limit_micros])).toEqual(expect.arrayContaining([['month', null, 50_000_000], ['month', 'sora-2-pro', 40_000_000]]));
    expect(changed.data).toHaveLength(2);

    const audit = await auditOf(user.id);
    expect(audit).toEqual([
      expect.objectContaining({ period: 'month', model: null, before: null, after: { limit_micros: 50_000_000 } }),
      expect.objectContaining({ period: 'day', model: null, before: null, after: { limit_micros: 10_000_000 } }),
      { budget_id: proId, period: 'month', model: 'sora-2-pro', before: null, after: { limit_micros: 30_000_000 } },
      { budget_id: proId, period: 'month', model: 'sora-2-pro', before: { limit_micros: 30_000_000 }, after: { limit_micros: 40_000_000 } },
      expect.objectContaining({ period: 'day', model: null, before: { limit_micros: 10_000_000 }, after: null }),
    ]);
    const actors = await api.db.selectFrom('auditLog').select('actor').distinct().where('targetId', '=', user.id).execute();
    expect(actors).toEqual([{ actor: 'admin-key' }]);
  });

  it('keeps what a budget has reserved when its limit changes', async () => {
    const user = await api.newUser();
    await setBudgets(api, user.id, [{ period: 'month', limit_micros: 10_000_000 }]);
    await createVideo(api, user.apiKey);
    const lowered = await setBudgets(api, user.id, [{ period: 'month', limit_micros: 1_000_000 }]);
    expect(lowered.data[0]).toMatchObject({ limit_micros: 1_000_000, reserved_micros: DEFAULT_VIDEO_MICROS, remaining_micros: 1_000_000 - DEFAULT_VIDEO_MICROS });
  });

  it.each([
    [{ budgets: [{ period: 'month', model: 'sora-9', limit_micros: 1 }] }, 'budgets[0].model'],
    [{ budgets: [{ period: 'week', limit_micros: 1 }] }, 'budgets[0].period'],
    [{ budgets: [{ period: 'month', limit_micros: -1 }] }, 'budgets[0].limit_micros'],
    [{ budgets: [{ period: 'month', limit_micros: 1.5 }] }, 'budgets[0].limit_micros'],
    [{ budgets: [{ period: 'month' }] }, 'budgets[0].limit_micros'],
    [{ budgets: [] }, 'budgets'],
    [{ budgets: [{ period: 'day', limit_micros: 1 }, { period: 'day', model: null, limit_micros: 2 }] }, 'budgets'],
    [{ budgets: [{ period: 'month', limit_micros: 1 }], monthly: 5 }, 'monthly'],
  ])('refuses %j with 400 naming %s, and changes nothing', async (body, param) => {
    const user = await api.newUser();
    expectApiError(await admin('PATCH', `/admin/users/${user.id}/budgets`, body), 400, param);
    expect(await api.db.selectFrom('budgets').select('id').where('userId', '=', user.id).execute()).toEqual([]);
  });

  it('answers 404 for an unknown user', async () => {
    expectApiError(await admin('PATCH', '/admin/users/user_00000000000000000000000000000000/budgets', { budgets: [{ period: 'month', limit_micros: 1 }] }), 404);
    expectApiError(await admin('GET', '/admin/users/user_00000000000000000000000000000000/budgets'), 404);
  });

  it('is for the admin only: a user cannot raise their own limit', async () => {
    const user = await api.newUser();
    expectApiError(await call(api, 'PATCH', `/admin/users/${user.id}/budgets`, { key: user.apiKey, json: { budgets: [{ period: 'month', limit_micros: 1e12 }] } }), 403);
    expectApiError(await call(api, 'GET', `/admin/users/${user.id}/budgets`, { key: user.apiKey }), 403);
    expectApiError(await call(api, 'GET', `/admin/users/${user.id}/budgets`), 401);
    expect(await api.db.selectFrom('budgets').select('id').where('userId', '=', user.id).execute()).toEqual([]);
  });
});

describe('a refused submit', () => {
  it('refuses a remix the budget cannot hold, once, through the openai SDK that would retry a plain 429, leaving nothing', async () => {
    const user = await api.newUser();
    await setBudgets(api, user.id, [{ period: 'month', limit_micros: DEFAULT_VIDEO_MICROS }]);
    const source = (await createVideo(api, user.apiKey)).body.id as string;
    await completeReservedVideo(api.db, source);
    const sdk = new OpenAI({ apiKey: user.apiKey, baseURL: `${api.origin}/v1`, maxRetries: 2 });
    const requestsBefore = api.logLines.filter((line) => line.msg === 'request completed').length;

    await expect(sdk.videos.remix(source, { prompt: 'again' })).rejects.toMatchObject({ status: 429, type: 'insufficient_quota', code: 'insufficient_quota' });

    expect(api.logLines.filter((line) => line.msg === 'request completed').length - requestsBefore).toBe(1);
    expect(await api.db.selectFrom('videos').select('id').where('userId', '=', user.id).execute()).toEqual([{ id: source }]);
  });
});

describe('GET /admin/ledger/check', () => {
  it('is for the admin only', async () => {
    const user = await api.newUser();
    expectApiError(await call(api, 'GET', '/admin/ledger/check', { key: user.apiKey }), 403);
    expectApiError(await call(api, 'GET', '/admin/ledger/check'), 401);
  });

  it('reports the videos and budget periods it checked', async () => {
    const check = await expectLedgerReconciles(api);
    const videos = await api.db.selectFrom('videos').select('id').execute();
    expect(check.videos_checked).toBe(videos.length);
    expect(check.videos_checked).toBeGreaterThan(0);
    expect(check.budget_periods_checked).toBeGreaterThan(0);
  });
});
