// GET /v1/events over real HTTP, parsed by a real SSE parser, fed by the worker's real relay (in-process
// here) through this file's Redis prefix. The rows change the way the worker changes them: through the
// lifecycle helper, event and all; cancels come from the API itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  changeVideo, createLogger, videoEventChannel, withUnfinishedVideo, type VideoEventInput, type VideoPatch, type VideoStreamMessage,
} from '@sora-studio/shared';
import { openEventStream, waitFor, type EventSourceMessage, type EventStream, type TestUser } from '@sora-studio/testkit';
import { startVideoEventRelay, type RunningRelay } from '@sora-studio/worker';
import { createVideoEventFanout } from '../src/events/video-event-fanout.ts';
import { createVideoEventStreamService, VIDEO_EVENT_STREAM_DEFAULTS } from '../src/events/video-event-stream.service.ts';
import { call, expectApiError, listenLocally, startApi, twinApp, type ApiHarness, type CallResult } from './api-harness.ts';

let api: ApiHarness;
let relay: RunningRelay;
let alice: TestUser;
let bob: TestUser;
const streams: EventStream[] = [];

beforeAll(async () => {
  api = await startApi('api_event_stream');
  relay = startRelay();
  [alice, bob] = await Promise.all([api.newUser(), api.newUser()]);
});
afterAll(async () => {
  for (const stream of streams) stream.close();
  await relay?.close();
  await api?.close();
});

function startRelay(): RunningRelay {
  return startVideoEventRelay({ db: api.db, redis: api.redis, prefix: api.config.REDIS_PREFIX, logger: createLogger('relay', 'silent') }, 20);
}

async function connect(user: TestUser | null, opts: { origin?: string; lastEventId?: string } = {}): Promise<EventStream> {
  const headers: Record<string, string> = {};
  if (user) headers.authorization = `Bearer ${user.apiKey}`;
  if (opts.lastEventId) headers['last-event-id'] = opts.lastEventId;
  const stream = await openEventStream(`${opts.origin ?? api.origin}/v1/events`, headers);
  streams.push(stream);
  return stream;
}

async function createVideo(user: TestUser): Promise<string> {
  const created = await call(api, 'POST', '/v1/videos', { key: user.apiKey, json: { prompt: 'a lighthouse at dusk' } });
  expect(created.status).toBe(200);
  return created.body.id as string;
}

/** A change as the worker's steps make it: the row lock, the patch and its event in one transaction. */
async function change(videoId: string, patch: VideoPatch, event: VideoEventInput): Promise<void> {
  await api.db.transaction().execute((trx) => withUnfinishedVideo(trx, videoId, (locked) => changeVideo(trx, locked, patch, event)));
}

const submit = (videoId: string) => change(videoId, { status: 'in_progress', providerVideoId: `provider_${videoId}`, providerStatus: 'queued' },
  { type: 'video.submitted', data: { provider_video_id: `provider_${videoId}`, provider_status: 'queued', attempt: 1 } });
const progress = (videoId: string, percent: number) => change(videoId, { progress: percent, providerStatus: 'in_progress' },
  { type: 'video.provider_status', data: { provider_status: 'in_progress', progress: percent } });
const complete = (videoId: string) => change(videoId, { status: 'completed', progress: 100, completedAt: new Date(), actualCostMicros: 0 },
  { type: 'video.completed', data: { reserved_micros: 0, settled_micros: 0, released_micros: 0, delivered_seconds: 4, delivered_size: '720x1280' } });
const cancel = async (user: TestUser, videoId: string): Promise<CallResult> => call(api, 'POST', `/v1/videos/${videoId}/cancel`, { key: user.apiKey });

/** Events about one video, as `event status progress`. */
function storyOf(events: EventSourceMessage[], videoId: string): string[] {
  return events.filter((e) => e.event !== 'snapshot').map((e) => ({ event: e.event, data: JSON.parse(e.data) as VideoStreamMessage['data'] }))
    .filter((e) => e.data.id === videoId)
    .map((e) => `${e.event} ${e.data.status} ${e.data.progress}`);
}

const mentions = (events: EventSourceMessage[], videoId: string) => events.some((e) => e.data.includes(videoId));

describe('GET /v1/events', () => {
  it('refuses a caller without an API key with a 401 in OpenAI\'s error shape', async () => {
    const stream = await connect(null);
    expect(stream.status).toBe(401);
    expect(stream.errorBody).toMatchObject({ error: { type: 'authentication_error', code: 'missing_api_key' } });
    const plain = await call(api, 'GET', '/v1/events', { key: 'sk_not_a_key_at_all_0000000000' });
    expectApiError(plain, 401);
  });

  it('starts with the SSE headers, a retry hint and a snapshot of the caller\'s unfinished videos only', async () => {
    const mine = await createVideo(alice);
    const theirs = await createVideo(bob);
    const stream = await connect(alice);

    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.headers.get('x-accel-buffering')).toBe('no');
    expect(stream.headers.get('cache-control')).toBe('no-cache');
    const [first] = await stream.until((events) => events.length >= 1, 'the snapshot');
    expect(stream.retryMs).toBe(VIDEO_EVENT_STREAM_DEFAULTS.retryMs);
    expect(first?.event).toBe('snapshot');
    expect(first?.id).toMatch(/^\d+$/);
    const snapshot = JSON.parse(first!.data) as { object: string; data: { id: string; status: string }[] };
    expect(snapshot.object).toBe('list');
    expect(snapshot.data.map((v) => v.id)).toContain(mine);
    expect(snapshot.data.find((v) => v.id === mine)).toMatchObject({ object: 'video', status: 'queued', progress: 0, model: 'sora-2', completed_at: null, error: null });
    expect(first!.data).not.toContain(theirs);
    stream.close();
  });

  it('streams a video\'s life in order, created to completed, and only to its owner', async () => {
    const [aliceStream, bobStream] = await Promise.all([connect(alice), connect(bob)]);
    await Promise.all([aliceStream, bobStream].map((s) => s.until((events) => events.length >= 1, 'the snapshot')));

    const video = await createVideo(alice);
    await aliceStream.until((events) => storyOf(events, video).length === 1, 'video.created');
    await submit(video);
    await progress(video, 40);
    await complete(video);
    const bobsVideo = await createVideo(bob);

    const events = await aliceStream.until((all) => storyOf(all, video).length === 4, 'the whole story');
    expect(storyOf(events, video)).toEqual(['video.created queued 0', 'video.updated in_progress 0', 'video.updated in_progress 40', 'video.completed completed 100']);
    const ids = events.filter((e) => e.event !== 'snapshot').map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    const completed = JSON.parse(events.at(-1)!.data) as { completed_at: number | null };
    expect(completed.completed_at).toEqual(expect.any(Number));

    // Bob sees his own video, and nothing of Alice's.
    await bobStream.until((all) => storyOf(all, bobsVideo).length === 1, "bob's video.created");
    expect(mentions(bobStream.events, video)).toBe(false);
    expect(mentions(aliceStream.events, bobsVideo)).toBe(false);
  });

  // 'before': all the missed events come from Postgres; 'after': they reach the stream live, after the replay.
  it.for(['before', 'after'] as const)('resumes after Last-Event-ID with exactly the events it missed, the relay publishing them %s the reconnect', async (when) => {
    const first = await connect(alice);
    const video = await createVideo(alice);
    const [created] = (await first.until((events) => storyOf(events, video).length === 1, 'video.created')).filter((e) => e.event === 'video.created' && e.data.includes(video));
    first.close();
    if (when === 'after') await relay.close();

    // Missed while away: two updates, a second video, and a cancel made through the API.
    await submit(video);
    await progress(video, 55);
    const second = await createVideo(alice);
    expect((await cancel(alice, second)).status).toBe(200);
    if (when === 'before') {
      const newest = Number((await api.db.selectFrom('videoEvents').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow()).id);
      await waitFor(async () => (await relayCursor()) >= newest, { what: 'the relay to pass the missed events' });
    }

    const resumed = await connect(alice, { lastEventId: created!.id! });
    if (when === 'after') {
      await waitFor(() => resumed.retryMs !== null, { what: 'the stream to open' });
      relay = startRelay();
    }
    await resumed.until((events) => storyOf(events, second).length === 2, 'the missed events');
    await progress(video, 80);
    const events = await resumed.until((all) => storyOf(all, video).length === 3, 'the live update after the replay');

    expect(events.some((e) => e.event === 'snapshot')).toBe(false);
    expect(events.map((e) => `${e.event} ${(JSON.parse(e.data) as { id: string }).id === video ? 'first' : 'second'}`)).toEqual([
      'video.updated first', 'video.updated first', 'video.created second', 'video.cancelled second', 'video.updated first',
    ]);
    expect(storyOf(events, video)).toEqual(['video.updated in_progress 0', 'video.updated in_progress 55', 'video.updated in_progress 80']);
    const ids = events.map((e) => Number(e.id));
    expect(ids[0]).toBeGreaterThan(Number(created!.id));
    expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
  });

  it('starts over with a snapshot when Last-Event-ID is further behind than the replay limit', async () => {
    const app = twinApp(api, { videoEventStream: { replayLimit: 2 } });
    const origin = await listenLocally(app);
    try {
      const video = await createVideo(alice);
      await submit(video);
      await progress(video, 10);
      await progress(video, 20);
      const stream = await connect(alice, { origin, lastEventId: '0' });
      const [first] = await stream.until((events) => events.length >= 1, 'the first event');
      expect(first?.event).toBe('snapshot');
      expect(JSON.parse(first!.data).data).toContainEqual(expect.objectContaining({ id: video, status: 'in_progress', progress: 20 }));
      stream.close();
    } finally {
      await app.close();
    }
  });

  it('sends a heartbeat comment while nothing happens', async () => {
    const app = twinApp(api, { videoEventStream: { heartbeatMs: 50 } });
    const origin = await listenLocally(app);
    try {
      const stream = await connect(bob, { origin });
      expect(await stream.untilComment('a heartbeat', 5_000)).toMatch(/heartbeat/);
      stream.close();
    } finally {
      await app.close();
    }
  });

  it('ends every open stream when the server closes, without hanging the close', async () => {
    const app = twinApp(api);
    const origin = await listenLocally(app);
    const open = await Promise.all([connect(alice, { origin }), connect(bob, { origin })]);
    await Promise.all(open.map((s) => s.until((events) => events.length >= 1, 'the snapshot')));

    const closing = app.close();
    await expect(Promise.race([closing.then(() => 'closed'), new Promise((resolve) => { setTimeout(resolve, 5_000, 'hung'); })])).resolves.toBe('closed');
    await Promise.all(open.map((s) => s.ended));
    expect(open.every((s) => s.isEnded())).toBe(true);
  });
});

describe('the per-process fan-out', () => {
  it('disconnects a client that does not keep up instead of queueing for it without bound', async () => {
    const fanout = createVideoEventFanout({ connect: () => api.redis.duplicate(), prefix: api.config.REDIS_PREFIX, logger: createLogger('fanout', 'silent') });
    const service = createVideoEventStreamService({ db: api.db, redis: api.redis, prefix: api.config.REDIS_PREFIX, fanout, options: { ...VIDEO_EVENT_STREAM_DEFAULTS, maxQueued: 3 } });
    const log = createLogger('stream', 'silent');
    try {
      const stream = await service.open({ userId: alice.id, requestId: 'req_slow', log }, null);
      expect(service.openStreams).toBe(1);
      // Nobody reads the stream; the relay's messages pile up past the bound.
      for (let i = 1; i <= 5; i++) {
        const message: VideoStreamMessage = { id: 1_000_000_000 + i, user_id: alice.id, event: 'video.updated', data: { id: 'video_x', object: 'video', model: 'sora-2', status: 'in_progress', progress: i, created_at: 1, completed_at: null, error: null } };
        await api.redis.publish(videoEventChannel(api.config.REDIS_PREFIX, alice.id), JSON.stringify(message));
      }
      await waitFor(() => service.openStreams === 0, { what: 'the slow stream to be ended' });
      const frames: string[] = [];
      for await (const frame of stream.frames) frames.push(frame.event);
      // None of the messages it fell behind on: it resumes with Last-Event-ID and reads them from Postgres.
      expect(frames.filter((event) => event !== 'snapshot')).toEqual([]);
    } finally {
      await fanout.close();
    }
  });

  it('ends one user\'s streams on request (a sign-out), leaving the others open', async () => {
    const fanout = createVideoEventFanout({ connect: () => api.redis.duplicate(), prefix: api.config.REDIS_PREFIX, logger: createLogger('fanout', 'silent') });
    const service = createVideoEventStreamService({ db: api.db, redis: api.redis, prefix: api.config.REDIS_PREFIX, fanout, options: VIDEO_EVENT_STREAM_DEFAULTS });
    const log = createLogger('stream', 'silent');
    try {
      const [hers, his] = [await service.open({ userId: alice.id, requestId: 'req_a', log }, null), await service.open({ userId: bob.id, requestId: 'req_b', log }, null)];
      service.endFor(alice.id, 'client_gone');
      const frames: string[] = [];
      for await (const frame of hers.frames) frames.push(frame.event);
      expect(frames).toEqual([]);
      expect(service.openStreams).toBe(1);
      his.end('client_gone');
      expect(service.openStreams).toBe(0);
    } finally {
      await fanout.close();
    }
  });
});

async function relayCursor(): Promise<number> {
  const stored = await api.redis.get(`${api.config.REDIS_PREFIX}:events:relay-cursor`);
  return stored === null ? 0 : (JSON.parse(stored) as { lastId: number }).lastId;
}
