// The webhook endpoints API through the official openai 7.x SDK (`client.webhooks.*`) against a listening
// API: the objects field for field, the secret and its hint, rotation with and without overlap (read back
// from the rows the signer uses), bad inputs, the URL guard, the per-user limit, scoping and the admin list.
import { randomUUID } from 'node:crypto';
import OpenAI, { NotFoundError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WEBHOOK_EVENT_TYPES } from '@sora-studio/shared';
import type { TestUser } from '@sora-studio/testkit';
import { MAX_WEBHOOK_ENDPOINTS_PER_USER } from '../src/webhooks/webhook-endpoint.service.ts';
import { ADMIN_KEY, call, expectApiError, listenLocally, startApi, twinApp, type ApiHarness } from './api-harness.ts';

let api: ApiHarness;
let alice: TestUser;
let sdk: OpenAI;

// https to an address the test allows by CIDR: no DNS, no network, and no plain-http exception needed.
const RECEIVER = 'https://127.0.0.1:9/hooks';
const SECRET_FORMAT = /^whsec_[A-Za-z0-9+/]{43}=$/;

beforeAll(async () => {
  api = await startApi('api_webhook_endpoints', { WEBHOOK_ALLOW_HTTP: 'false', WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8' });
});
afterAll(async () => { await api?.close(); });
// A fresh user per test, so no test's endpoints count against another's limit.
beforeEach(async () => {
  alice = await api.newUser();
  sdk = clientFor(alice);
});

function clientFor(user: TestUser): OpenAI {
  return new OpenAI({ apiKey: user.apiKey, baseURL: `${api.origin}/v1`, maxRetries: 0 });
}

function createEndpoint(client: OpenAI = sdk, name = 'orders') {
  return client.webhooks.create({ name, url: RECEIVER, event_types: ['video.completed', 'video.failed'] });
}

const secretRows = (endpointId: string) => api.db.selectFrom('webhookSecrets').selectAll()
  .where('endpointId', '=', endpointId).orderBy('id').execute();

/** The secrets a delivery is signed with now: every one that has not expired (what W2's signer reads). */
async function signingSecrets(endpointId: string): Promise<string[]> {
  const now = Date.now();
  return (await secretRows(endpointId)).filter((row) => row.expiresAt === null || row.expiresAt.getTime() > now).map((row) => row.secret);
}

const asAlice = (method: string, path: string, json?: unknown) => call(api, method, path, { key: alice.apiKey, ...(json === undefined ? {} : { json }) });

describe('create, retrieve, update, list, delete with client.webhooks', () => {
  it('creates an endpoint with a whsec_ secret of 32 random bytes, shown once, and its hint', async () => {
    const created = await createEndpoint();
    expect(created).toEqual({
      id: expect.stringMatching(/^whe_[0-9a-f]{32}$/),
      object: 'webhook_endpoint',
      name: 'orders',
      url: RECEIVER,
      event_types: ['video.completed', 'video.failed'],
      signing_secret: expect.stringMatching(SECRET_FORMAT),
      signing_secret_hint: `whsec_…${created.signing_secret.slice(-4)}`,
      created_at: expect.any(Number),
      updated_at: created.created_at,
      disabled_at: null,
      disabled_reason: null,
    });
    expect(Buffer.from(created.signing_secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(Math.abs(created.created_at - Date.now() / 1000)).toBeLessThan(5);
    expect(await signingSecrets(created.id)).toEqual([created.signing_secret]);

    const retrieved = await sdk.webhooks.retrieve(created.id);
    const { signing_secret: secret, ...withoutSecret } = created;
    expect(retrieved).toEqual(withoutSecret);
    expect(JSON.stringify(retrieved)).not.toContain(secret.slice('whsec_'.length, -4));
  });

  it('keeps the url as the URL parser reads it: spaces trimmed, scheme lower-cased, IP notations made canonical', async () => {
    const created = await sdk.webhooks.create({ name: 'canonical', url: ' HTTPS://127.0.0.1:9/hooks ', event_types: ['video.completed'] });
    expect(created.url).toBe('https://127.0.0.1:9/hooks');
    const updated = await sdk.webhooks.update(created.id, { url: 'HTTPS://0x7f.1:9/Hooks' });
    expect(updated.url).toBe('https://127.0.0.1:9/Hooks');
    await sdk.webhooks.delete(created.id);
  });

  it('gives every endpoint its own secret', async () => {
    const [a, b] = await Promise.all([createEndpoint(), createEndpoint()]);
    expect(a.signing_secret).not.toBe(b.signing_secret);
  });

  it('updates any subset of name, url and event_types; an update that changes nothing keeps updated_at', async () => {
    const created = await createEndpoint();
    const past = new Date('2026-01-01T00:00:00Z');
    await api.db.updateTable('webhookEndpoints').set({ updatedAt: past }).where('id', '=', created.id).execute();

    const unchanged = await sdk.webhooks.update(created.id);
    expect(unchanged).toMatchObject({ name: 'orders', url: RECEIVER, updated_at: past.getTime() / 1000 });
    const sameValues = await sdk.webhooks.update(created.id, { name: 'orders', event_types: ['video.failed', 'video.completed'] });
    expect(sameValues.updated_at).toBe(past.getTime() / 1000);

    const renamed = await sdk.webhooks.update(created.id, { name: 'billing' });
    expect(renamed).toMatchObject({ name: 'billing', url: RECEIVER, event_types: ['video.completed', 'video.failed'] });
    expect(renamed.updated_at).toBeGreaterThan(past.getTime() / 1000);

    const moved = await sdk.webhooks.update(created.id, { url: 'https://127.0.0.2/other', event_types: ['budget.threshold_reached', 'budget.threshold_reached'] as never });
    expect(moved).toMatchObject({ name: 'billing', url: 'https://127.0.0.2/other', event_types: ['budget.threshold_reached'] });
    expect(await sdk.webhooks.retrieve(created.id)).toEqual(moved);
  });

  it('lists newest first with cursor pages, and the SDK pages through them all', async () => {
    const bob = await api.newUser();
    const bobSdk = clientFor(bob);
    const ids: string[] = [];
    for (const name of ['one', 'two', 'three']) ids.push((await createEndpoint(bobSdk, name)).id);
    const newestFirst = [...ids].reverse();

    const first = await bobSdk.webhooks.list({ limit: 2 });
    expect(first.data.map((endpoint) => endpoint.id)).toEqual(newestFirst.slice(0, 2));
    expect(first.has_more).toBe(true);
    const second = await bobSdk.webhooks.list({ limit: 2, after: first.data[1]!.id });
    expect(second.data.map((endpoint) => endpoint.id)).toEqual(newestFirst.slice(2));
    expect(second.has_more).toBe(false);
    expect(second.data[0]).not.toHaveProperty('signing_secret');

    const all: string[] = [];
    for await (const endpoint of bobSdk.webhooks.list({ limit: 1 })) all.push(endpoint.id);
    expect(all).toEqual(newestFirst);
  });

  it('deletes softly: the answer OpenAI gives, then 404 everywhere, the row kept with its secrets expired', async () => {
    const created = await createEndpoint();
    expect(await sdk.webhooks.delete(created.id)).toEqual({ id: created.id, object: 'webhook_endpoint.deleted', deleted: true });

    await expect(sdk.webhooks.retrieve(created.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(sdk.webhooks.retrieve(created.id)).rejects.toMatchObject({ status: 404, code: 'webhook_endpoint_not_found', param: 'webhook_endpoint_id' });
    await expect(sdk.webhooks.delete(created.id)).rejects.toMatchObject({ status: 404 });
    await expect(sdk.webhooks.update(created.id, { name: 'back' })).rejects.toMatchObject({ status: 404 });
    await expect(sdk.webhooks.rotateSecret(created.id)).rejects.toMatchObject({ status: 404 });
    const listed: string[] = [];
    for await (const endpoint of sdk.webhooks.list()) listed.push(endpoint.id);
    expect(listed).not.toContain(created.id);

    const row = await api.db.selectFrom('webhookEndpoints').select('deletedAt').where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row.deletedAt).toBeInstanceOf(Date);
    expect(await secretRows(created.id)).toHaveLength(1);
    expect(await signingSecrets(created.id)).toEqual([]);
  });

  it('remembers an Idempotency-Key: a retried create answers the same endpoint and makes no second one', async () => {
    const carol = await api.newUser();
    const headers = { 'idempotency-key': `create-${randomUUID()}` };
    const body = { name: 'once', url: RECEIVER, event_types: ['video.completed'] };
    const first = await call(api, 'POST', '/v1/webhook_endpoints', { key: carol.apiKey, json: body, headers });
    const retry = await call(api, 'POST', '/v1/webhook_endpoints', { key: carol.apiKey, json: body, headers });
    expect([first.status, retry.status]).toEqual([200, 200]);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const rows = await api.db.selectFrom('webhookEndpoints').select('id').where('userId', '=', carol.id).execute();
    expect(rows).toEqual([{ id: first.body.id }]);
  });
});

describe('rotate_secret', () => {
  it('without overlap: the new secret is the only one that signs, from now on', async () => {
    const created = await createEndpoint();
    const past = new Date('2026-01-01T00:00:00Z');
    await api.db.updateTable('webhookEndpoints').set({ updatedAt: past }).where('id', '=', created.id).execute();
    const rotated = await sdk.webhooks.rotateSecret(created.id);
    expect(rotated.signing_secret).toMatch(SECRET_FORMAT);
    expect(rotated.signing_secret).not.toBe(created.signing_secret);
    expect(rotated.signing_secret_hint).toBe(`whsec_…${rotated.signing_secret.slice(-4)}`);
    expect(rotated.updated_at).toBeGreaterThan(past.getTime() / 1000);
    expect(await signingSecrets(created.id)).toEqual([rotated.signing_secret]);
    const old = (await secretRows(created.id)).find((row) => row.secret === created.signing_secret)!;
    expect(old.expiresAt!.getTime()).toBeLessThanOrEqual(Date.now());
    expect((await sdk.webhooks.retrieve(created.id)).signing_secret_hint).toBe(rotated.signing_secret_hint);
  });

  it('with keep_old_secret_active_for_24_hours: both sign until the old one expires 24 h from now', async () => {
    const created = await createEndpoint();
    const before = Date.now();
    const rotated = await sdk.webhooks.rotateSecret(created.id, { keep_old_secret_active_for_24_hours: true });
    expect(await signingSecrets(created.id)).toEqual([created.signing_secret, rotated.signing_secret]);
    const rows = await secretRows(created.id);
    const old = rows.find((row) => row.secret === created.signing_secret)!;
    expect(old.expiresAt!.getTime() - before).toBeGreaterThan(24 * 3600_000 - 5_000);
    expect(old.expiresAt!.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3600_000 + 5_000);
    expect(rows.find((row) => row.secret === rotated.signing_secret)!.expiresAt).toBeNull();

    // A second overlapping rotation keeps only the newest previous secret alongside the new one.
    const again = await sdk.webhooks.rotateSecret(created.id, { keep_old_secret_active_for_24_hours: true });
    expect(await signingSecrets(created.id)).toEqual([rotated.signing_secret, again.signing_secret]);
  });

  it('takes a POST without a body as no overlap', async () => {
    const created = await createEndpoint();
    const rotated = await call(api, 'POST', `/v1/webhook_endpoints/${created.id}/rotate_secret`, { key: alice.apiKey });
    expect(rotated.status).toBe(200);
    expect(await signingSecrets(created.id)).toEqual([rotated.body.signing_secret]);
  });
});

describe('event types', () => {
  it('client.webhooks.eventTypes.list answers every type an endpoint can subscribe to', async () => {
    expect(await sdk.webhooks.eventTypes.list()).toEqual({ object: 'list', data: [...WEBHOOK_EVENT_TYPES] });
    expect(WEBHOOK_EVENT_TYPES).toEqual(expect.arrayContaining(['video.completed', 'video.failed', 'video.cancelled', 'video.stalled', 'budget.threshold_reached']));
  });

  it('accepts every listed type', async () => {
    const created = await sdk.webhooks.create({ name: 'all', url: RECEIVER, event_types: [...WEBHOOK_EVENT_TYPES] as never });
    expect(created.event_types).toEqual([...WEBHOOK_EVENT_TYPES]);
  });
});

describe('bad input is a 400 in OpenAI\'s shape naming the field', () => {
  const valid = { name: 'x', url: RECEIVER, event_types: ['video.completed'] };

  it.each([
    ['an event type we do not send', { ...valid, event_types: ['video.completed', 'batch.completed'] }, 'event_types[1]'],
    ['an event type that is not a string', { ...valid, event_types: [7] }, 'event_types[0]'],
    ['no event types', { ...valid, event_types: [] }, 'event_types'],
    ['missing event types', { name: 'x', url: RECEIVER }, 'event_types'],
    ['an empty name', { ...valid, name: '   ' }, 'name'],
    ['a name of 101 characters', { ...valid, name: 'n'.repeat(101) }, 'name'],
    ['a url that is not one', { ...valid, url: 'not a url' }, 'url'],
    ['a url of 2,049 characters', { ...valid, url: `https://127.0.0.1/${'a'.repeat(2031)}` }, 'url'],
    ['an unknown field', { ...valid, secret: 'mine' }, 'secret'],
  ])('on create: %s', async (_name, body, param) => {
    const result = await asAlice('POST', '/v1/webhook_endpoints', body);
    expectApiError(result, 400, param);
    expect(result.body.error.type).toBe('invalid_request_error');
  });

  it('names the unknown event type and where to find the known ones', async () => {
    const result = await asAlice('POST', '/v1/webhook_endpoints', { ...valid, event_types: ['response.completed'] });
    expect(result.body.error.message).toContain('/v1/webhook_event_types');
  });

  it('takes a name of exactly 100 characters', async () => {
    expect((await asAlice('POST', '/v1/webhook_endpoints', { ...valid, name: 'n'.repeat(100) })).status).toBe(200);
  });

  it.each([
    ['plain http (WEBHOOK_ALLOW_HTTP is false)', 'http://127.0.0.1/hooks'],
    ['a private address', 'https://10.1.2.3/hooks'],
    ['the metadata address', 'https://169.254.169.254/latest/meta-data'],
    ['IPv6 loopback (only 127.0.0.0/8 is allowed here)', 'https://[::1]/hooks'],
    ['a scheme that is not http', 'ftp://127.0.0.1/hooks'],
  ])('refuses %s on create and on update, leaving the endpoint as it was', async (_name, url) => {
    const created = await asAlice('POST', '/v1/webhook_endpoints', { ...valid, url });
    expectApiError(created, 400, 'url');
    expect(created.body.error.code).toBe('invalid_webhook_url');

    const endpoint = await createEndpoint();
    const updated = await asAlice('POST', `/v1/webhook_endpoints/${endpoint.id}`, { url });
    expectApiError(updated, 400, 'url');
    expect((await sdk.webhooks.retrieve(endpoint.id)).url).toBe(RECEIVER);
  });

  it.each([
    ['an unknown event type', { event_types: ['video.queued'] }, 'event_types[0]'],
    ['an empty list', { event_types: [] }, 'event_types'],
    ['a long name', { name: 'n'.repeat(101) }, 'name'],
    ['an unknown field', { enabled: false }, 'enabled'],
  ])('on update: %s', async (_name, body, param) => {
    const endpoint = await createEndpoint();
    expectApiError(await asAlice('POST', `/v1/webhook_endpoints/${endpoint.id}`, body), 400, param);
  });

  it('on rotate: an overlap flag that is not a boolean', async () => {
    const endpoint = await createEndpoint();
    expectApiError(await asAlice('POST', `/v1/webhook_endpoints/${endpoint.id}/rotate_secret`, { keep_old_secret_active_for_24_hours: 'yes' }), 400, 'keep_old_secret_active_for_24_hours');
    expect(await signingSecrets(endpoint.id)).toEqual([endpoint.signing_secret]);
  });

  it('an id longer than any we make, in the path', async () => {
    expectApiError(await asAlice('GET', `/v1/webhook_endpoints/whe_${'0'.repeat(200)}`), 400, 'webhook_endpoint_id');
  });
});

describe('a host name that resolves too slowly', () => {
  it('answers 400 invalid_webhook_url within the lookup bound instead of hanging the create', async () => {
    let lookups = 0;
    // A resolver that never answers: only the guard's own bound can end the request.
    const neverAnswers = () => { lookups += 1; return new Promise<never>(() => {}); };
    const twin = twinApp(api, { webhookHostResolver: { lookup: neverAnswers, lookupTimeoutMs: 300 } });
    try {
      const origin = await listenLocally(twin);
      const started = performance.now();
      const created = await call({ origin }, 'POST', '/v1/webhook_endpoints', {
        key: alice.apiKey, json: { name: 'slow', url: 'https://hooks.slow-dns.example.com/in', event_types: ['video.completed'] },
      });
      const elapsedMs = performance.now() - started;
      expectApiError(created, 400, 'url');
      expect(created.body.error.code).toBe('invalid_webhook_url');
      expect(created.body.error.message).toMatch(/could not be resolved within 300 ms/);
      expect(lookups).toBe(1);
      expect(elapsedMs).toBeGreaterThanOrEqual(290);
      expect(elapsedMs).toBeLessThan(3_000);
      expect(await api.db.selectFrom('webhookEndpoints').select('id').where('userId', '=', alice.id).execute()).toEqual([]);
    } finally {
      await twin.close();
    }
  });
});

describe('re-enabling a disabled endpoint', () => {
  async function disabledEndpoint() {
    const endpoint = await createEndpoint();
    const when = new Date(Date.now() - 60_000);
    await api.db.updateTable('webhookEndpoints').set({ disabledAt: when, disabledReason: 'failing', failingSince: new Date(Date.now() - 3_600_000) })
      .where('id', '=', endpoint.id).execute();
    return endpoint;
  }
  const stateOf = (id: string) => api.db.selectFrom('webhookEndpoints').select(['disabledAt', 'disabledReason', 'failingSince'])
    .where('id', '=', id).executeTakeFirstOrThrow();

  const changes: [string, Parameters<OpenAI['webhooks']['update']>[1]][] = [
    ['a new url', { url: 'https://127.0.0.2:9/hooks' }],
    ['new event types', { event_types: ['video.completed'] }],
  ];
  it.each(changes)('%s clears disabled_at, disabled_reason and failing_since', async (_name, change) => {
    const endpoint = await disabledEndpoint();
    expect((await asAlice('GET', `/v1/webhook_endpoints/${endpoint.id}`)).body).toMatchObject({ disabled_reason: 'failing' });
    const updated = await sdk.webhooks.update(endpoint.id, change);
    expect(updated).toMatchObject({ disabled_at: null, disabled_reason: null });
    expect(await stateOf(endpoint.id)).toEqual({ disabledAt: null, disabledReason: null, failingSince: null });
  });

  it('a rename, or the same url and event types again, leaves it disabled', async () => {
    const endpoint = await disabledEndpoint();
    const renamed = await sdk.webhooks.update(endpoint.id, { name: 'renamed', url: RECEIVER, event_types: ['video.failed', 'video.completed'] });
    expect(renamed).toMatchObject({ name: 'renamed', disabled_reason: 'failing', disabled_at: expect.any(Number) });
    expect(await stateOf(endpoint.id)).toMatchObject({ disabledReason: 'failing', failingSince: expect.any(Date) });
  });
});

describe('the per-user limit', () => {
  it(`lets one user have ${MAX_WEBHOOK_ENDPOINTS_PER_USER} live endpoints, even when creates race, and frees a place on delete`, async () => {
    const dave = await api.newUser();
    const daveSdk = clientFor(dave);
    const attempts = await Promise.allSettled(Array.from({ length: MAX_WEBHOOK_ENDPOINTS_PER_USER + 5 }, (_, i) => createEndpoint(daveSdk, `n${i}`)));
    const made = attempts.filter((attempt) => attempt.status === 'fulfilled');
    const refused = attempts.filter((attempt): attempt is PromiseRejectedResult => attempt.status === 'rejected');
    expect(made).toHaveLength(MAX_WEBHOOK_ENDPOINTS_PER_USER);
    expect(refused).toHaveLength(5);
    for (const refusal of refused) expect(refusal.reason).toMatchObject({ status: 400, code: 'webhook_endpoint_limit_reached' });

    await daveSdk.webhooks.delete(made[0]!.value.id);
    await expect(createEndpoint(daveSdk)).resolves.toMatchObject({ object: 'webhook_endpoint' });
    await expect(createEndpoint(daveSdk)).rejects.toMatchObject({ status: 400, code: 'webhook_endpoint_limit_reached' });
  });
});

describe('scoping and the admin list', () => {
  it('another user\'s endpoint answers 404 on every route, as one that does not exist, and is left unchanged', async () => {
    const mine = await createEndpoint();
    const eve = clientFor(await api.newUser());
    const notFound = { status: 404, code: 'webhook_endpoint_not_found', param: 'webhook_endpoint_id' };
    await expect(eve.webhooks.retrieve(mine.id)).rejects.toMatchObject(notFound);
    await expect(eve.webhooks.update(mine.id, { name: 'eve' })).rejects.toMatchObject(notFound);
    await expect(eve.webhooks.rotateSecret(mine.id)).rejects.toMatchObject(notFound);
    await expect(eve.webhooks.delete(mine.id)).rejects.toMatchObject(notFound);
    await expect(eve.webhooks.retrieve('whe_00000000000000000000000000000000')).rejects.toMatchObject(notFound);
    expect((await eve.webhooks.list()).data).toEqual([]);
    const { signing_secret: _secret, ...unchanged } = mine;
    expect(await sdk.webhooks.retrieve(mine.id)).toEqual(unchanged);
    expect(await signingSecrets(mine.id)).toEqual([mine.signing_secret]);
  });

  it('GET /admin/webhook_endpoints lists every user\'s, deleted ones too, by user_id, without secrets', async () => {
    const frank = await api.newUser();
    const frankSdk = clientFor(frank);
    await createEndpoint();
    const kept = await createEndpoint(frankSdk, 'kept');
    const gone = await createEndpoint(frankSdk, 'gone');
    await frankSdk.webhooks.delete(gone.id);

    const page = await call(api, 'GET', `/admin/webhook_endpoints?user_id=${frank.id}`, { key: ADMIN_KEY });
    expect(page.status).toBe(200);
    expect(page.body.data.map((endpoint: { id: string }) => endpoint.id)).toEqual([gone.id, kept.id]);
    expect(page.body.data[0]).toMatchObject({ user_id: frank.id, deleted_at: expect.any(Number), name: 'gone' });
    expect(page.body.data[1]).toMatchObject({ user_id: frank.id, deleted_at: null, signing_secret_hint: kept.signing_secret_hint });
    expect(page.text).not.toContain(kept.signing_secret);

    const everyone = await call(api, 'GET', '/admin/webhook_endpoints?limit=100', { key: ADMIN_KEY });
    const owners = new Set(everyone.body.data.map((endpoint: { user_id: string }) => endpoint.user_id));
    expect([...owners]).toEqual(expect.arrayContaining([alice.id, frank.id]));

    const paged = await call(api, 'GET', `/admin/webhook_endpoints?user_id=${frank.id}&limit=1&after=${gone.id}`, { key: ADMIN_KEY });
    expect(paged.body).toMatchObject({ data: [{ id: kept.id }], has_more: false });
  });

  it('the admin list is for admins only', async () => {
    expectApiError(await call(api, 'GET', '/admin/webhook_endpoints', { key: alice.apiKey }), 403);
  });
});
