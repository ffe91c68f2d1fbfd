// POST /v1/videos/quote: the create's estimate to the micro-dollar, each budget's room after it, and nothing spent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VideoQuoteSchema } from '@sora-studio/shared';
import { call, expectApiError, PNG_BYTES, startApi, type ApiHarness } from './api-harness.ts';
import { countersOf, createVideo, expectLedgerReconciles, setBudgets } from './budget-support.ts';

let api: ApiHarness;

beforeAll(async () => { api = await startApi('api_video_quote'); });
afterAll(async () => {
  await expectLedgerReconciles(api);
  await api?.close();
});

const quote = (key: string, json: Record<string, unknown>) => call(api, 'POST', '/v1/videos/quote', { key, json: { prompt: 'how much?', ...json } });

async function traces(userId: string) {
  const [videos, ledger, counters] = await Promise.all([
    api.db.selectFrom('videos').select('id').where('userId', '=', userId).execute(),
    api.db.selectFrom('ledgerEntries').select('id').where('userId', '=', userId).execute(),
    countersOf(api, userId),
  ]);
  return { videos: videos.length, ledger: ledger.length, counters };
}

describe('POST /v1/videos/quote', () => {
  it('quotes exactly what the create then reserves, and spends nothing itself', async () => {
    const user = await api.newUser();
    await setBudgets(api, user.id, [{ period: 'month', limit_micros: 10_000_000 }, { period: 'day', model: 'sora-2-pro', limit_micros: 6_000_000 }]);
    const body = { model: 'sora-2-pro', size: '1792x1024', seconds: '8' };
    const before = await traces(user.id);

    const quoted = await quote(user.apiKey, body);

    expect(quoted.status).toBe(200);
    const q = VideoQuoteSchema.strict().parse(quoted.body);
    expect(q).toMatchObject({ object: 'video.quote', model: 'sora-2-pro', size: '1792x1024', seconds: '8', estimated_cost_micros: 4_000_000, currency: 'usd', allowed: true });
    expect(q.budgets.map((b) => [b.period, b.model, b.remaining_after_micros]).sort()).toEqual([['day', 'sora-2-pro', 2_000_000], ['month', null, 6_000_000]]);
    expect(await traces(user.id)).toEqual(before);

    const created = await createVideo(api, user.apiKey, body);
    expect(created.body.cost.estimated_micros).toBe(q.estimated_cost_micros);
    const reserve = await api.db.selectFrom('ledgerEntries').select('amountMicros').where('videoId', '=', created.body.id).where('kind', '=', 'reserve').executeTakeFirstOrThrow();
    expect(reserve.amountMicros).toBe(q.estimated_cost_micros);

    const after = VideoQuoteSchema.parse((await quote(user.apiKey, body)).body);
    expect(after.budgets.find((b) => b.period === 'month')).toMatchObject({ reserved_micros: 4_000_000, remaining_micros: 6_000_000, remaining_after_micros: 2_000_000 });
    expect(after.budgets.find((b) => b.period === 'day')).toMatchObject({ reserved_micros: 4_000_000, remaining_after_micros: -2_000_000 });
    expect(after.allowed).toBe(false);
    expectApiError(await createVideo(api, user.apiKey, body), 429, null);
  });

  it('shows only the budgets the model draws on, and allows anything without budgets', async () => {
    const user = await api.newUser();
    expect((await quote(user.apiKey, {})).body).toMatchObject({ estimated_cost_micros: 400_000, budgets: [], allowed: true });

    await setBudgets(api, user.id, [{ period: 'month', model: 'sora-2-pro', limit_micros: 1 }]);
    expect((await quote(user.apiKey, { model: 'sora-2' })).body).toMatchObject({ budgets: [], allowed: true });
    expect((await quote(user.apiKey, { model: 'sora-2-pro' })).body).toMatchObject({ allowed: false, budgets: [{ model: 'sora-2-pro', remaining_after_micros: 1 - 1_200_000 }] });
  });

  it('takes the same multipart form as the create, file included', async () => {
    const user = await api.newUser();
    const form = new FormData();
    form.append('prompt', 'a form');
    form.append('seconds', '12');
    form.append('size', '1280x720');
    form.append('input_reference', new Blob([PNG_BYTES], { type: 'image/png' }), 'first.png');

    const quoted = await call(api, 'POST', '/v1/videos/quote', { key: user.apiKey, body: form });

    expect(quoted.status).toBe(200);
    expect(quoted.body).toMatchObject({ model: 'sora-2', size: '1280x720', seconds: '12', estimated_cost_micros: 1_200_000 });
  });

  it.each([
    [{ model: 'sora-9' }, 'model'],
    [{ model: 'sora-2', size: '1024x1792' }, 'size'],
    [{ seconds: '5' }, 'seconds'],
    [{ prompt: '' }, 'prompt'],
    [{ colour: 'red' }, 'colour'],
  ])('refuses %j as the create would, naming %s', async (body, param) => {
    const user = await api.newUser();
    expectApiError(await quote(user.apiKey, body), 400, param);
  });

  it('needs an API key', async () => {
    expectApiError(await call(api, 'POST', '/v1/videos/quote', { json: { prompt: 'x' } }), 401);
  });
});
