// 200 submits at once, over real HTTP, against a monthly budget that fits exactly 10 videos: exactly 10 are
// created and exactly their cost is reserved. The API runs with a pool of 40 connections, so the
// reservations really race in Postgres rather than queueing for a connection.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDb, type Db } from '@sora-studio/shared';
import type { App } from '../src/index.ts';
import { call, listenLocally, startApi, twinApp, type ApiHarness } from './api-harness.ts';
import { countersOf, DEFAULT_VIDEO_MICROS, expectLedgerReconciles, setBudgets } from './budget-support.ts';

const SUBMITS = 200;
const FITS = 10;

let api: ApiHarness;
let racingDb: Db;
let racingApp: App;
let racingOrigin: string;

beforeAll(async () => {
  api = await startApi('api_budget_race', { RATE_LIMIT_USER_PER_MINUTE: '100000' });
  racingDb = createDb(api.config.DATABASE_URL, { poolSize: 40 });
  racingApp = twinApp(api, { db: racingDb });
  racingOrigin = await listenLocally(racingApp);
});
afterAll(async () => {
  await racingApp?.close();
  await racingDb?.destroy();
  await api?.close();
});

it(`${SUBMITS} concurrent submits against a budget that fits exactly ${FITS} create exactly ${FITS} videos and reserve exactly their cost`, async () => {
  const user = await api.newUser();
  const limitMicros = FITS * DEFAULT_VIDEO_MICROS;
  await setBudgets(api, user.id, [{ period: 'month', limit_micros: limitMicros }]);

  const startedAt = performance.now();
  const results = await Promise.all(Array.from({ length: SUBMITS }, (_, i) => call({ origin: racingOrigin }, 'POST', '/v1/videos', {
    key: user.apiKey, json: { prompt: `race ${i}` },
  })));
  const durationMs = Math.round(performance.now() - startedAt);

  const accepted = results.filter((result) => result.status === 200);
  const refused = results.filter((result) => result.status === 429);
  expect({ accepted: accepted.length, refused: refused.length }).toEqual({ accepted: FITS, refused: SUBMITS - FITS });
  for (const result of refused) {
    expect(result.body.error).toMatchObject({ type: 'insufficient_quota', code: 'insufficient_quota' });
    expect(result.headers.get('x-should-retry')).toBe('false');
  }
  expect(refused[0]!.body.error.message).toContain('limit $4.00, spent $0.00, reserved $4.00, asked $0.40');

  const videos = await api.db.selectFrom('videos').select('id').where('userId', '=', user.id).execute();
  expect(videos.map((video) => video.id).sort()).toEqual(accepted.map((result) => result.body.id as string).sort());
  const reserved = await api.db.selectFrom('ledgerEntries')
    .select((eb) => [eb.fn.countAll<number>().as('entries'), eb.fn.sum<string>('amountMicros').as('micros')])
    .where('userId', '=', user.id).where('kind', '=', 'reserve')
    .executeTakeFirstOrThrow();
  expect({ entries: reserved.entries, micros: Number(reserved.micros) }).toEqual({ entries: FITS, micros: limitMicros });
  expect(await countersOf(api, user.id)).toEqual({ 'month/*': { reserved: limitMicros, spent: 0 } });
  const jobs = await api.queues.pipeline.getJobCountByTypes('waiting', 'prioritized', 'delayed', 'active');
  expect(jobs).toBe(FITS);
  const events = await api.db.selectFrom('budgetEvents').select('thresholdPercent').where('userId', '=', user.id).orderBy('thresholdPercent').execute();
  expect(events.map((event) => event.thresholdPercent)).toEqual([50, 80, 100]);
  const check = await expectLedgerReconciles(api);

  // Figures for the issue note.
  // eslint-disable-next-line no-console -- the figures are the point of this test
  console.log(JSON.stringify({
    concurrencyTest: {
      submits: SUBMITS, accepted: accepted.length, refused: refused.length, durationMs, poolSize: 40,
      videos: videos.length, reservedMicros: Number(reserved.micros), budgetReservedMicros: limitMicros,
      ledgerCheck: { ok: check.ok, videosChecked: check.videos_checked, budgetPeriodsChecked: check.budget_periods_checked, mismatches: check.mismatches.length },
    },
  }));
});
