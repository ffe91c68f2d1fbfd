// Issue 7: the outbox dispatcher and the delivery jobs on real Postgres, Redis and a real receiver. Ids that
// commit out of order are not skipped; a worker that dies between the dispatcher's commit and the send
// delivers later with the same webhook-id; a receiver that hangs until the timeout does not delay another.
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createLogger, newId, newWebhookSecret, verifyWebhook, type Db,
} from '@sora-studio/shared';
import {
  completeReservedVideo, createBudget, createReservedVideo, createTestDatabase, videoPriceMicros, createUserWithKey, flatHeaders, percentile, startWebhookReceiver, waitFor,
  type TestDatabase, type WebhookReceiver,
} from '@sora-studio/testkit';
import { dispatchWebhookEvents } from '../src/webhooks/dispatch-webhook-events.ts';
import { startPipelineWorld, type PipelineWorld } from './support/pipeline-world.ts';

const WEBHOOK_ENV = { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8' };

let testDb: TestDatabase;
let receiver: WebhookReceiver;
let world: PipelineWorld | undefined;

beforeAll(async () => {
  testDb = await createTestDatabase('worker_webhooks');
  receiver = await startWebhookReceiver();
});
afterEach(async () => {
  await world?.close();
  world = undefined;
  receiver.respond = () => 200;
});
afterAll(async () => {
  await receiver.close();
  await testDb.drop();
});

async function createEndpoint(db: Db, userId: string, path: string, eventTypes = ['video.completed']): Promise<{ id: string; secret: string }> {
  const id = newId('whe');
  const { secret, hint } = newWebhookSecret();
  await db.insertInto('webhookEndpoints').values({ id, userId, name: path, url: receiver.url(path), eventTypes, disabledAt: null, disabledReason: null, failingSince: null, deletedAt: null }).execute();
  await db.insertInto('webhookSecrets').values({ endpointId: id, secret, hint, expiresAt: null }).execute();
  return { id, secret };
}

async function completedVideo(db: Db, userId: string): Promise<string> {
  const video = await createReservedVideo(db, userId);
  await completeReservedVideo(db, video.id);
  return video.id;
}

function silentDeps(w: PipelineWorld) {
  return { db: testDb.db, queues: w.queues, config: w.config, logger: createLogger('webhook-test', 'silent') };
}

describe('the outbox dispatcher', () => {
  it('does not skip an outbox id whose transaction commits after a later one', async () => {
    world = await startPipelineWorld(testDb, { env: WEBHOOK_ENV });
    const { id: userId } = await createUserWithKey(testDb.db);
    await createEndpoint(testDb.db, userId, '/order');
    await dispatchWebhookEvents(silentDeps(world));
    const early = await createReservedVideo(testDb.db, userId);
    const late = await createReservedVideo(testDb.db, userId);
    // `early` takes its event id first and commits last.
    let releaseEarly!: () => void;
    const earlyHeld = new Promise<void>((resolve) => { releaseEarly = resolve; });
    let earlyTookId!: () => void;
    const earlyHasId = new Promise<void>((resolve) => { earlyTookId = resolve; });
    const earlyCommit = testDb.db.transaction().execute(async (trx) => {
      await trx.updateTable('videos').set({ progress: 1 }).where('id', '=', early.id).execute();
      await trx.insertInto('videoEvents').values({ videoId: early.id, type: 'video.completed', fromStatus: 'queued', toStatus: 'completed', data: {}, requestId: null }).execute();
      earlyTookId();
      await earlyHeld;
    });
    await earlyHasId;
    await testDb.db.insertInto('videoEvents').values({ videoId: late.id, type: 'video.completed', fromStatus: 'queued', toStatus: 'completed', data: {}, requestId: null }).execute();
    // Twice: the first run sets the horizon, the second must see `early`'s transaction still running.
    await dispatchWebhookEvents(silentDeps(world));
    await dispatchWebhookEvents(silentDeps(world));
    const seenWhileHeld = await testDb.db.selectFrom('webhookEvents').select(sql<string>`data->>'id'`.as('videoId')).execute();
    expect(seenWhileHeld.map((e) => e.videoId)).not.toContain(early.id);
    // `late` lies past the gap, so it waits too, and the cursor stays below the gap.
    expect(seenWhileHeld.map((e) => e.videoId)).not.toContain(late.id);
    const heldCursor = await testDb.db.selectFrom('outboxCursors').selectAll().where('outbox', '=', 'video_events').executeTakeFirstOrThrow();
    const lateEvent = await testDb.db.selectFrom('videoEvents').select('id').where('videoId', '=', late.id).where('type', '=', 'video.completed').executeTakeFirstOrThrow();
    expect(heldCursor.lastId).toBeLessThan(lateEvent.id - 1);
    expect(heldCursor.horizonId).toBe(lateEvent.id);
    releaseEarly();
    await earlyCommit;
    await waitFor(async () => {
      await dispatchWebhookEvents(silentDeps(world!));
      const events = await testDb.db.selectFrom('webhookEvents').select(sql<string>`data->>'id'`.as('videoId')).execute();
      const ids = events.map((e) => e.videoId);
      return ids.includes(early.id) && ids.includes(late.id);
    }, { what: 'both out-of-order events to be dispatched' });
    const cursor = await testDb.db.selectFrom('outboxCursors').selectAll().where('outbox', '=', 'video_events').executeTakeFirstOrThrow();
    const maxId = await testDb.db.selectFrom('videoEvents').select((eb) => eb.fn.max('id').as('max')).executeTakeFirstOrThrow();
    expect(cursor.lastId).toBe(Number(maxId.max));
  });

  it('delivers after a crash between its commit and the send, with the same webhook-id', async () => {
    world = await startPipelineWorld(testDb, { env: WEBHOOK_ENV });
    const { id: userId } = await createUserWithKey(testDb.db);
    const endpoint = await createEndpoint(testDb.db, userId, '/crash');
    const videoId = await completedVideo(testDb.db, userId);
    // No worker runs: the dispatcher commits the delivery, then its jobs are lost, as if the process had
    // died before adding them (or Redis had lost them).
    await dispatchWebhookEvents(silentDeps(world));
    const delivery = await testDb.db.selectFrom('webhookDeliveries').selectAll().where('endpointId', '=', endpoint.id).executeTakeFirstOrThrow();
    await world.queues.webhooks.obliterate({ force: true });
    expect(await world.queues.webhooks.getJob(delivery.id)).toBeUndefined();
    await world.startWorkers();
    const hook = await waitFor(() => receiver.received.find((h) => h.path === '/crash'), { timeoutMs: 15_000, what: 'the delivery after the restart' });
    expect(hook.headers['webhook-id']).toBe(delivery.eventId);
    expect(verifyWebhook(hook.body, flatHeaders(hook.headers), endpoint.secret)).toMatchObject({ id: delivery.eventId, type: 'video.completed', data: { id: videoId } });
    expect(receiver.received.filter((h) => h.path === '/crash')).toHaveLength(1);
  });
});

describe('endpoint health', () => {
  it('disables an endpoint that has failed every attempt for WEBHOOK_DISABLE_AFTER_MS and tells the owner', async () => {
    world = await startPipelineWorld(testDb, { env: { ...WEBHOOK_ENV, WEBHOOK_RETRY_SCHEDULE: '0,700,700,700,700', WEBHOOK_DISABLE_AFTER_MS: '1000' } });
    const { id: userId } = await createUserWithKey(testDb.db);
    const broken = await createEndpoint(testDb.db, userId, '/broken');
    const watcher = await createEndpoint(testDb.db, userId, '/health-watcher', ['webhook_endpoint.disabled']);
    receiver.respond = (hook) => (hook.path === '/broken' ? 500 : 200);
    await world.startWorkers();
    await completedVideo(testDb.db, userId);
    const notice = await waitFor(() => receiver.received.find((h) => h.path === '/health-watcher'), { timeoutMs: 15_000, what: 'webhook_endpoint.disabled' });
    expect(verifyWebhook(notice.body, flatHeaders(notice.headers), watcher.secret)).toMatchObject({ type: 'webhook_endpoint.disabled', data: { id: broken.id, disabled_reason: 'failing' } });
    const row = await testDb.db.selectFrom('webhookEndpoints').selectAll().where('id', '=', broken.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ disabledReason: 'failing' });
    expect(row.disabledAt!.getTime() - row.failingSince!.getTime()).toBeGreaterThan(1000);
    // More than one attempt failed before that, and none came after.
    const attempts = receiver.received.filter((h) => h.path === '/broken').length;
    expect(attempts).toBeGreaterThanOrEqual(2);
    const delivery = await testDb.db.selectFrom('webhookDeliveries').select('state').where('endpointId', '=', broken.id).executeTakeFirstOrThrow();
    expect(delivery.state).toBe('discarded');
  });

  it('sends budget.threshold_reached from budget_events', async () => {
    world = await startPipelineWorld(testDb, { env: WEBHOOK_ENV });
    const { id: userId } = await createUserWithKey(testDb.db);
    const endpoint = await createEndpoint(testDb.db, userId, '/budget', ['budget.threshold_reached']);
    const budgetId = await createBudget(testDb.db, userId, 'month', videoPriceMicros() * 2);
    await world.startWorkers();
    await createReservedVideo(testDb.db, userId);
    const hook = await waitFor(() => receiver.received.find((h) => h.path === '/budget'), { timeoutMs: 15_000, what: 'budget.threshold_reached' });
    expect(verifyWebhook(hook.body, flatHeaders(hook.headers), endpoint.secret)).toMatchObject({
      object: 'event', type: 'budget.threshold_reached',
      data: { id: budgetId, threshold_percent: 50, used_micros: videoPriceMicros(), limit_micros: videoPriceMicros() * 2, period_start: expect.any(Number) },
    });
  });
});

describe('isolation between endpoints', () => {
  it('keeps a fast receiver fast while another hangs until the timeout', async () => {
    // Long enough that a fast delivery stuck behind a hanging one would show it, on a machine however loaded.
    const timeoutMs = 6_000;
    world = await startPipelineWorld(testDb, { env: { ...WEBHOOK_ENV, WEBHOOK_TIMEOUT_MS: String(timeoutMs), WEBHOOK_RETRY_SCHEDULE: '0' } });
    const { id: userId } = await createUserWithKey(testDb.db);
    await createEndpoint(testDb.db, userId, '/fast');
    const slow = await createEndpoint(testDb.db, userId, '/slow');
    receiver.respond = (hook) => (hook.path === '/slow' ? 'hang' : 200);
    await world.startWorkers();
    const events = 200;
    // A stream of state changes: ten videos complete every 100 ms.
    for (let i = 0; i < events; i += 10) {
      await Promise.all(Array.from({ length: 10 }, () => completedVideo(testDb.db, userId)));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const hooks = await waitFor(() => { const got = receiver.received.filter((h) => h.path === '/fast'); return got.length >= events && got; }, { timeoutMs: 30_000, what: 'every fast delivery' });
    const changedAt = new Map((await testDb.db.selectFrom('webhookEvents').select(['id', 'createdAt']).execute()).map((e) => [e.id, e.createdAt.getTime()]));
    const latencies = hooks.map((h) => h.receivedAt - changedAt.get(String(h.headers['webhook-id']))!);
    const slowArrivals = receiver.received.filter((h) => h.path === '/slow').map((h) => h.receivedAt).sort((a, b) => a - b);
    // Each slow request hangs for the whole timeout: those that arrived within one timeout of each other overlapped.
    const slowMaxInFlight = Math.max(0, ...slowArrivals.map((t) => slowArrivals.filter((u) => u >= t && u < t + timeoutMs - 200).length));
    const figures = {
      events, fastReceived: hooks.length, fastP50Ms: percentile(latencies, 50), fastP99Ms: percentile(latencies, 99), fastMaxMs: Math.max(...latencies),
      slowAttemptsSoFar: slowArrivals.length, slowMaxInFlight,
    };
    // eslint-disable-next-line no-console -- the figures are the point: the lead puts them in the issue note
    console.log(`webhook isolation (slow endpoint hangs ${timeoutMs} ms): ${JSON.stringify(figures)}`);
    // No fast delivery waited for a hanging one to time out.
    expect(figures.fastP99Ms).toBeLessThan(timeoutMs);
    // The hanging endpoint had at most its cap in flight, and its finished attempts were timeouts.
    expect(slowArrivals.length).toBeGreaterThan(0);
    expect(slowMaxInFlight).toBeLessThanOrEqual(world.config.WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT);
    const slowAttempts = await waitFor(async () => {
      const rows = await testDb.db.selectFrom('webhookDeliveryAttempts as a').innerJoin('webhookDeliveries as d', 'd.id', 'a.deliveryId')
        .select(['a.statusCode', 'a.error']).where('d.endpointId', '=', slow.id).execute();
      return rows.length > 0 && rows;
    }, { timeoutMs: 30_000, what: 'a finished attempt at the hanging endpoint' });
    expect(slowAttempts.every((a) => a.statusCode === null && a.error === 'timeout')).toBe(true);
  }, 60_000);
});
