import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, deleteExpiredIdempotencyKeys, newId } from '@sora-studio/shared';
import { waitFor, type TestUser } from '@sora-studio/testkit';
import { createIdempotencyService } from '../src/idempotency/idempotency.service.ts';
import { call, expectApiError, JPEG_BYTES, PNG_BYTES, startApi, type ApiHarness } from './api-harness.ts';

let api: ApiHarness;
let alice: TestUser;
let bob: TestUser;
let sdk: OpenAI;

beforeAll(async () => {
  api = await startApi('api_idempotency');
  [alice, bob] = await Promise.all([api.newUser(), api.newUser()]);
  // No retries: the SDK retries a 409, which would hide the answer under test.
  sdk = new OpenAI({ apiKey: alice.apiKey, baseURL: `${api.origin}/v1`, maxRetries: 0 });
});
afterAll(async () => { await api?.close(); });

const newKey = () => `idem-${randomUUID()}`;
const keyed = (key: string) => ({ headers: { 'Idempotency-Key': key } });

/** Every trace a create leaves, for the videos with this prompt: rows, reservations, queued jobs. */
async function tracesOf(prompt: string) {
  const videos = await api.db.selectFrom('videos').selectAll().where('prompt', '=', prompt).execute();
  const ids = videos.map((video) => video.id);
  const reservations = ids.length === 0 ? [] : await api.db.selectFrom('ledgerEntries').selectAll()
    .where('videoId', 'in', ids).where('kind', '=', 'reserve').execute();
  const jobs = (await Promise.all(ids.map((id) => api.queues.pipeline.getJob(id)))).filter((job) => job !== undefined);
  return { ids, reservations, jobs };
}

async function keyRow(userId: string, key: string) {
  return api.db.selectFrom('idempotencyKeys').selectAll().where('userId', '=', userId).where('key', '=', key).executeTakeFirst();
}

async function completedVideo(prompt: string): Promise<string> {
  const { body } = await call(api, 'POST', '/v1/videos', { key: alice.apiKey, json: { prompt } });
  await api.db.updateTable('videos').set({ status: 'completed', progress: 100, completedAt: new Date() }).where('id', '=', body.id).execute();
  return body.id as string;
}

/**
 * Runs `work` while every video insert of the app waits (a SHARE lock on `videos`): a create that has
 * claimed its key stays in progress, right before its commit, until `work` is done.
 */
async function whileVideoInsertsWait<T>(work: () => Promise<T>): Promise<T> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => { release = resolve; });
  let taken!: () => void;
  const lockTaken = new Promise<void>((resolve) => { taken = resolve; });
  const holder = api.db.transaction().execute(async (trx) => {
    // Should the test go wrong, Postgres ends the holder itself rather than leave the app's inserts hanging.
    await sql`set local idle_in_transaction_session_timeout = '15s'`.execute(trx);
    await sql`lock table videos in share mode`.execute(trx);
    taken();
    await released;
  });
  await Promise.race([lockTaken, holder]);
  try {
    return await work();
  } finally {
    release();
    await holder;
  }
}

const claimed = (key: string) => async () => (await keyRow(alice.id, key))?.state === 'in_progress';

describe('Idempotency-Key on POST /v1/videos', () => {
  it('replays the first response for the same key and upload: same video, one row, one reservation, one job', async () => {
    const key = newKey();
    const prompt = `replayed ${key}`;
    // Each call builds a new multipart form with a new boundary; the fields and the file's bytes are what match.
    const send = async () => sdk.videos.create({ prompt, seconds: '8', input_reference: await toFile(PNG_BYTES, 'first.png') }, keyed(key)).withResponse();

    const first = await send();
    const second = await send();

    expect(first.response.headers.get('idempotent-replayed')).toBeNull();
    expect(second.response.status).toBe(200);
    expect(second.response.headers.get('idempotent-replayed')).toBe('true');
    expect(second.data).toEqual(first.data);
    const traces = await tracesOf(prompt);
    expect(traces.ids).toEqual([first.data.id]);
    expect(traces.reservations).toHaveLength(1);
    expect(traces.jobs.map((job) => job.id)).toEqual([first.data.id]);
    expect(await keyRow(alice.id, key)).toMatchObject({ state: 'completed', responseStatus: 200, requestMethod: 'POST', requestPath: '/v1/videos' });
  });

  it('treats a JSON body and a form with the same fields as the same request', async () => {
    const key = newKey();
    const form = await sdk.videos.create({ prompt: `json or form ${key}`, seconds: '8', size: '1280x720' }, keyed(key));
    const json = await call(api, 'POST', '/v1/videos', { key: alice.apiKey, json: { size: '1280x720', seconds: 8, prompt: `json or form ${key}` }, headers: keyed(key).headers });
    expect(json.status).toBe(200);
    expect(json.headers.get('idempotent-replayed')).toBe('true');
    expect(json.body.id).toBe(form.id);
  });

  it('refuses the same key with another body or another file with 422 idempotency_key_reused', async () => {
    const key = newKey();
    const prompt = `reused ${key}`;
    await sdk.videos.create({ prompt, input_reference: await toFile(PNG_BYTES, 'a.png') }, keyed(key));

    const otherPrompt = await call(api, 'POST', '/v1/videos', { key: alice.apiKey, json: { prompt: `${prompt}!` }, headers: keyed(key).headers });
    expectApiError(otherPrompt, 422, 'Idempotency-Key');
    expect(otherPrompt.body.error).toMatchObject({ type: 'invalid_request_error', code: 'idempotency_key_reused' });

    await expect(sdk.videos.create({ prompt, input_reference: await toFile(JPEG_BYTES, 'a.png') }, keyed(key)))
      .rejects.toMatchObject({ status: 422, code: 'idempotency_key_reused', param: 'Idempotency-Key' });
    expect((await tracesOf(prompt)).ids).toHaveLength(1);
    expect((await tracesOf(`${prompt}!`)).ids).toHaveLength(0);
  });

  it('answers 409 idempotency_key_in_use while the first request runs, then replays the first response', async () => {
    const key = newKey();
    const prompt = `concurrent ${key}`;
    const { first } = await whileVideoInsertsWait(async () => {
      const running = call(api, 'POST', '/v1/videos', { key: alice.apiKey, json: { prompt }, headers: keyed(key).headers });
      await waitFor(claimed(key), { what: 'the first request to claim the key' });

      const second = await call(api, 'POST', '/v1/videos', { key: alice.apiKey, json: { prompt }, headers: keyed(key).headers });
      expectApiError(second, 409, 'Idempotency-Key');
      expect(second.body.error.code).toBe('idempotency_key_in_use');
      // Wrapped: an async function returning the promise itself would wait for it, under the lock.
      return { first: running };
    });

    const firstResult = await first;
    expect(firstResult.status).toBe(200);
    const third = await sdk.videos.create({ prompt }, keyed(key)).withResponse();
    expect(third.response.headers.get('idempotent-replayed')).toBe('true');
    expect(third.data.id).toBe(firstResult.body.id);
    expect((await tracesOf(prompt)).ids).toEqual([firstResult.body.id]);
  });

  it('takes over a claim abandoned mid-request; the abandoned request then rolls back instead of creating a second video', async () => {
    const key = newKey();
    const prompt = `abandoned ${key}`;
    const [slowResult, takeoverResult] = await whileVideoInsertsWait(async () => {
      const slow = call(api, 'POST', '/v1/videos', { key: alice.apiKey, json: { prompt }, headers: keyed(key).headers });
      await waitFor(claimed(key), { what: 'the slow request to claim the key' });
      // As if the slow request's process had died an hour ago.
      await sql`update idempotency_keys set created_at = now() - interval '1 hour' where key = ${key}`.execute(api.db);
      const takeover = call(api, 'POST', '/v1/videos', { key: alice.apiKey, json: { prompt }, headers: keyed(key).headers });
      await waitFor(async () => {
        const row = await keyRow(alice.id, key);
        return row !== undefined && row.createdAt.getTime() > Date.now() - 60_000;
      }, { what: 'the retry to take the key over' });
      return [slow, takeover] as const;
    }).then(([slow, takeover]) => Promise.all([slow, takeover]));
    expect(takeoverResult.status).toBe(200);
    expectApiError(slowResult, 409, 'Idempotency-Key');
    const traces = await tracesOf(prompt);
    expect(traces.ids).toEqual([takeoverResult.body.id]);
    expect(traces.reservations).toHaveLength(1);
    expect(await keyRow(alice.id, key)).toMatchObject({ state: 'completed', responseBody: takeoverResult.body });
  });

  it('scopes keys per user: another user with the same key and body gets a video of their own', async () => {
    const key = newKey();
    const prompt = `per user ${key}`;
    const mine = await sdk.videos.create({ prompt }, keyed(key));
    const bobs = await call(api, 'POST', '/v1/videos', { key: bob.apiKey, json: { prompt }, headers: keyed(key).headers });

    expect(bobs.status).toBe(200);
    expect(bobs.headers.get('idempotent-replayed')).toBeNull();
    expect(bobs.body.id).not.toBe(mine.id);
    expect((await tracesOf(prompt)).ids.sort()).toEqual([mine.id, bobs.body.id].sort());
  });

  it('treats an expired key as new, even one stored with another body, and leaves other users\' keys to the sweep', async () => {
    const key = newKey();
    const prompt = `expired ${key}`;
    const first = await sdk.videos.create({ prompt }, keyed(key));
    await api.db.updateTable('idempotencyKeys').set({ expiresAt: new Date(Date.now() - 1000) }).where('key', '=', key).execute();
    const bobsOldKey = newKey();
    await api.db.insertInto('idempotencyKeys').values({
      userId: bob.id, key: bobsOldKey, requestMethod: 'POST', requestPath: '/v1/videos', requestHash: 'x', state: 'completed', expiresAt: new Date(Date.now() - 1000),
    }).execute();

    const again = await sdk.videos.create({ prompt }, keyed(key)).withResponse();

    expect(again.response.headers.get('idempotent-replayed')).toBeNull();
    expect(again.data.id).not.toBe(first.id);
    const row = await keyRow(alice.id, key);
    expect(row).toMatchObject({ state: 'completed', responseStatus: 200, responseBody: { id: again.data.id } });
    expect(row!.createdAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(row!.expiresAt.getTime()).toBeGreaterThan(Date.now() + (api.config.IDEMPOTENCY_TTL_SECONDS - 60) * 1000);
    // The request path sweeps nothing else: the worker's housekeeping does (deleteExpiredIdempotencyKeys).
    expect(await keyRow(bob.id, bobsOldKey)).toMatchObject({ requestHash: 'x' });

    // Expired, so another body does not make it a reuse (422): the claim takes the old row over.
    const bobsRetry = await call(api, 'POST', '/v1/videos', { key: bob.apiKey, json: { prompt: `${prompt}, bob` }, headers: keyed(bobsOldKey).headers });
    expect(bobsRetry.status).toBe(200);
    expect(await keyRow(bob.id, bobsOldKey)).toMatchObject({ state: 'completed', responseBody: { id: bobsRetry.body.id } });
  });

  it('keeps nothing for a request that fails validation, so the corrected request may reuse the key', async () => {
    const key = newKey();
    const prompt = `corrected ${key}`;
    // Refused by the body schema, before the key is looked at; then by the catalogue, after it was claimed.
    expectApiError(await call(api, 'POST', '/v1/videos', { key: alice.apiKey, json: { prompt: '' }, headers: keyed(key).headers }), 400, 'prompt');
    expectApiError(await call(api, 'POST', '/v1/videos', { key: alice.apiKey, json: { prompt, model: 'no-such-model' }, headers: keyed(key).headers }), 400);
    expect(await keyRow(alice.id, key)).toBeUndefined();

    const corrected = await call(api, 'POST', '/v1/videos', { key: alice.apiKey, json: { prompt }, headers: keyed(key).headers });
    expect(corrected.status).toBe(200);
    expect((await tracesOf(prompt)).ids).toEqual([corrected.body.id]);
  });

  it('keeps nothing for a submit refused for quota, so the same key works once the budget allows it', async () => {
    const carol = await api.newUser();
    const budgetId = newId('budget');
    await api.db.insertInto('budgets').values({ id: budgetId, userId: carol.id, period: 'month', model: null, limitMicros: 100_000 }).execute();
    const key = newKey();
    const prompt = `over budget ${key}`;

    const refused = await call(api, 'POST', '/v1/videos', { key: carol.apiKey, json: { prompt }, headers: keyed(key).headers });
    expectApiError(refused, 429);
    expect(refused.body.error.code).toBe('insufficient_quota');
    expect(await keyRow(carol.id, key)).toBeUndefined();

    await api.db.updateTable('budgets').set({ limitMicros: 10_000_000 }).where('id', '=', budgetId).execute();
    const accepted = await call(api, 'POST', '/v1/videos', { key: carol.apiKey, json: { prompt }, headers: keyed(key).headers });
    expect(accepted.status).toBe(200);
    expect((await tracesOf(prompt)).ids).toEqual([accepted.body.id]);
  });

  it.each([
    ['longer than 255 characters', 'k'.repeat(256)],
    ['not ASCII', 'café-key'],
    ['holding a control character', 'a\tb'],
    ['empty', ''],
  ])('refuses a key %s with 400 naming Idempotency-Key', async (_what, key) => {
    const result = await call(api, 'POST', '/v1/videos', { key: alice.apiKey, json: { prompt: `bad key ${key}` }, headers: keyed(key).headers });
    expectApiError(result, 400, 'Idempotency-Key');
    expect(result.body.error.code).toBe('invalid_idempotency_key');
    expect((await tracesOf(`bad key ${key}`)).ids).toHaveLength(0);
  });

  it('accepts a key of 255 printable characters', async () => {
    const key = `${'~ !'.repeat(84)}end`;
    expect(key).toHaveLength(255);
    const result = await call(api, 'POST', '/v1/videos', { key: alice.apiKey, json: { prompt: 'longest key' }, headers: keyed(key).headers });
    expect(result.status).toBe(200);
    expect((await keyRow(alice.id, key))?.state).toBe('completed');
  });
});

describe('Idempotency-Key on POST /v1/videos/:id/remix', () => {
  it('replays the first remix, and refuses the same key on another path', async () => {
    const sourceId = await completedVideo('remix source');
    const key = newKey();
    const prompt = `remixed ${key}`;

    const first = await sdk.videos.remix(sourceId, { prompt }, keyed(key));
    const second = await sdk.videos.remix(sourceId, { prompt }, keyed(key)).withResponse();

    expect(second.response.headers.get('idempotent-replayed')).toBe('true');
    expect(second.data).toEqual(first);
    expect(first.remixed_from_video_id).toBe(sourceId);
    const traces = await tracesOf(prompt);
    expect(traces.ids).toEqual([first.id]);
    expect(traces.reservations).toHaveLength(1);
    expect(traces.jobs).toHaveLength(1);
    await expect(sdk.videos.remix(await completedVideo('another source'), { prompt }, keyed(key)))
      .rejects.toMatchObject({ status: 422, code: 'idempotency_key_reused' });
    await expect(sdk.videos.create({ prompt }, keyed(key))).rejects.toMatchObject({ status: 422, code: 'idempotency_key_reused' });
  });

  it('keeps nothing when the source is not completed yet, so the same key works once it is', async () => {
    const { body: source } = await call(api, 'POST', '/v1/videos', { key: alice.apiKey, json: { prompt: 'still queued source' } });
    const key = newKey();
    const prompt = `remix later ${key}`;

    await expect(sdk.videos.remix(source.id, { prompt }, keyed(key))).rejects.toMatchObject({ status: 409, code: 'video_not_completed' });
    await api.db.updateTable('videos').set({ status: 'completed', progress: 100, completedAt: new Date() }).where('id', '=', source.id).execute();
    const remix = await sdk.videos.remix(source.id, { prompt }, keyed(key));

    expect(remix.remixed_from_video_id).toBe(source.id);
    expect((await tracesOf(prompt)).ids).toEqual([remix.id]);
  });
});

describe('idempotency claims', () => {
  it('skip the WAL flush for the claim\'s own commit only: the connection\'s next transaction flushes again', async () => {
    const oneConnection = createDb(api.config.DATABASE_URL, { poolSize: 1 });
    try {
      const idempotency = createIdempotencyService({ db: oneConnection, ttlSeconds: 60 });
      const outcome = await idempotency.begin({ userId: alice.id, key: newKey() }, { method: 'POST', path: '/v1/videos', hash: 'h' });
      expect(outcome.kind).toBe('claimed');
      const setting = await sql<{ synchronousCommit: string }>`select current_setting('synchronous_commit') as synchronous_commit`.execute(oneConnection);
      expect(setting.rows[0]?.synchronousCommit).toBe('on');
    } finally {
      await oneConnection.destroy();
    }
  });

  it('fence an abandoned claim: once taken over it can neither complete nor release the new claim', async () => {
    const idempotency = createIdempotencyService({ db: api.db, ttlSeconds: 60 });
    const scope = { userId: alice.id, key: newKey() };
    const request = { method: 'POST', path: '/v1/videos', hash: 'h' };
    const stale = await idempotency.begin(scope, request);
    await sql`update idempotency_keys set created_at = now() - interval '1 hour' where key = ${scope.key}`.execute(api.db);
    const fresh = await idempotency.begin(scope, request);
    if (stale.kind !== 'claimed' || fresh.kind !== 'claimed') throw new Error('both requests should have claimed the key');

    await stale.claim.release();
    expect((await keyRow(alice.id, scope.key))?.state).toBe('in_progress');
    await expect(api.db.transaction().execute((trx) => stale.claim.recordResponse(trx, 200, { id: 'stale' })))
      .rejects.toMatchObject({ status: 409, code: 'idempotency_key_in_use' });
    await api.db.transaction().execute((trx) => fresh.claim.recordResponse(trx, 200, { id: 'fresh' }));
    expect(await idempotency.begin(scope, request)).toEqual({ kind: 'replay', status: 200, body: { id: 'fresh' } });
  });
});

describe('the expired keys\' sweep (the worker\'s housekeeping)', () => {
  it('deletes every expired key in batches, of every user, and keeps the live ones', async () => {
    const expiredAt = new Date(Date.now() - 1000);
    const row = (userId: string, key: string, expiresAt: Date) => ({
      userId, key, requestMethod: 'POST', requestPath: '/v1/videos', requestHash: 'h', state: 'completed' as const, expiresAt,
    });
    const expired = [row(alice.id, newKey(), expiredAt), row(bob.id, newKey(), expiredAt), row(bob.id, newKey(), expiredAt)];
    const live = row(alice.id, newKey(), new Date(Date.now() + 60_000));
    await api.db.insertInto('idempotencyKeys').values([...expired, live]).execute();

    expect(await deleteExpiredIdempotencyKeys(api.db, { batch: 2 })).toBeGreaterThanOrEqual(expired.length);

    for (const key of expired) expect(await keyRow(key.userId, key.key)).toBeUndefined();
    expect(await keyRow(live.userId, live.key)).toMatchObject({ state: 'completed' });
  });
});
