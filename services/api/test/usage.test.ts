// GET /v1/usage for the caller and GET /admin/usage across users: settled and reserved money by day and by
// model, the budgets, and nothing of anyone else's.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminUsageSchema, UsageObjectSchema } from '@sora-studio/shared';
import { completeReservedVideo, failReservedVideo, videoPriceMicros, type TestUser } from '@sora-studio/testkit';
import { ADMIN_KEY, call, expectApiError, startApi, type ApiHarness } from './api-harness.ts';
import { createVideo, expectLedgerReconciles, setBudgets } from './budget-support.ts';

let api: ApiHarness;
let alice: TestUser;
let bob: TestUser;
const PRO = { model: 'sora-2-pro', seconds: '4', size: '720x1280' };
const proMicros = videoPriceMicros({ model: 'sora-2-pro' });
const today = new Date().toISOString().slice(0, 10);

async function submit(user: TestUser, body: Record<string, unknown> = {}): Promise<string> {
  const created = await createVideo(api, user.apiKey, body);
  expect(created.status).toBe(200);
  return created.body.id as string;
}

beforeAll(async () => {
  api = await startApi('api_usage');
  [alice, bob] = await Promise.all([api.newUser(), api.newUser()]);
  await setBudgets(api, alice.id, [{ period: 'month', limit_micros: 20_000_000 }, { period: 'day', model: 'sora-2-pro', limit_micros: 5_000_000 }]);
  // Alice: a sora-2 video settled at a longer delivery, one failed, and a sora-2-pro video still reserved.
  await completeReservedVideo(api.db, await submit(alice), { seconds: 8 });
  await failReservedVideo(api.db, await submit(alice));
  await submit(alice, PRO);
  // Bob: one video settled as asked.
  await completeReservedVideo(api.db, await submit(bob));
});
afterAll(async () => {
  await expectLedgerReconciles(api);
  await api?.close();
});

describe('GET /v1/usage', () => {
  it('reports the caller\'s settled and reserved money for the month, by day and by model, with the budgets', async () => {
    const result = await call(api, 'GET', '/v1/usage', { key: alice.apiKey });

    expect(result.status).toBe(200);
    const usage = UsageObjectSchema.strict().parse(result.body);
    const settled = videoPriceMicros({ seconds: 8 });
    expect(usage).toMatchObject({
      object: 'usage', user_id: alice.id, period: 'month', currency: 'usd',
      settled_micros: settled, reserved_micros: proMicros, videos: 3,
      by_day: [{ date: today, settled_micros: settled, reserved_micros: proMicros, videos: 3 }],
      by_model: [
        { model: 'sora-2', settled_micros: settled, reserved_micros: 0, videos: 2 },
        { model: 'sora-2-pro', settled_micros: 0, reserved_micros: proMicros, videos: 1 },
      ],
    });
    const now = new Date();
    expect(usage.start_time).toBe(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) / 1000);
    expect(usage.budgets.map((b) => ({ period: b.period, model: b.model, spent: b.spent_micros, reserved: b.reserved_micros, remaining: b.remaining_micros }))).toEqual(expect.arrayContaining([
      { period: 'month', model: null, spent: settled, reserved: proMicros, remaining: 20_000_000 - settled - proMicros },
      { period: 'day', model: 'sora-2-pro', spent: 0, reserved: proMicros, remaining: 5_000_000 - proMicros },
    ]));
    expect(usage.budgets).toHaveLength(2);
  });

  it('shows each caller only their own money', async () => {
    const usage = UsageObjectSchema.parse((await call(api, 'GET', '/v1/usage?period=day', { key: bob.apiKey })).body);
    expect(usage).toMatchObject({ user_id: bob.id, period: 'day', settled_micros: videoPriceMicros(), reserved_micros: 0, videos: 1, budgets: [] });
    expect(usage.by_model).toEqual([{ model: 'sora-2', settled_micros: videoPriceMicros(), reserved_micros: 0, videos: 1 }]);
  });

  it('counts a video in the period it was reserved in', async () => {
    const carol = await api.newUser();
    const videoId = await submit(carol);
    const lastMonth = new Date();
    lastMonth.setUTCDate(1);
    lastMonth.setUTCMonth(lastMonth.getUTCMonth() - 1);
    // created_at is written once by the schema's design; only a test moves it, by hand.
    await sql`update videos set created_at = ${lastMonth} where id = ${videoId}`.execute(api.db);

    const current = UsageObjectSchema.parse((await call(api, 'GET', '/v1/usage', { key: carol.apiKey })).body);
    const previous = UsageObjectSchema.parse((await call(api, 'GET', `/v1/usage?start=${Math.floor(lastMonth.getTime() / 1000)}`, { key: carol.apiKey })).body);

    expect(current).toMatchObject({ videos: 0, reserved_micros: 0, by_day: [], by_model: [] });
    expect(previous).toMatchObject({ videos: 1, reserved_micros: videoPriceMicros(), by_day: [{ date: lastMonth.toISOString().slice(0, 10) }] });
  });

  it.each([['period=year', 'period'], ['start=-1', 'start'], ['start=soon', 'start'], ['user_id=x', 'user_id']])('refuses ?%s naming %s', async (query, param) => {
    expectApiError(await call(api, 'GET', `/v1/usage?${query}`, { key: alice.apiKey }), 400, param);
  });

  it('needs an API key', async () => {
    expectApiError(await call(api, 'GET', '/v1/usage'), 401);
  });
});

describe('GET /admin/usage', () => {
  it('reports every user\'s money for the period, by model', async () => {
    const result = await call(api, 'GET', '/admin/usage?period=month', { key: ADMIN_KEY });

    expect(result.status).toBe(200);
    const usage = AdminUsageSchema.strict().parse(result.body);
    expect(usage.data.find((row) => row.user_id === alice.id)).toEqual({
      object: 'usage.user', user_id: alice.id, settled_micros: videoPriceMicros({ seconds: 8 }), reserved_micros: proMicros, videos: 3,
      by_model: [
        { model: 'sora-2', settled_micros: videoPriceMicros({ seconds: 8 }), reserved_micros: 0, videos: 2 },
        { model: 'sora-2-pro', settled_micros: 0, reserved_micros: proMicros, videos: 1 },
      ],
    });
    expect(usage.data.find((row) => row.user_id === bob.id)).toMatchObject({ settled_micros: videoPriceMicros(), videos: 1 });
  });

  it('is for the admin only', async () => {
    expectApiError(await call(api, 'GET', '/admin/usage', { key: alice.apiKey }), 403);
  });
});
