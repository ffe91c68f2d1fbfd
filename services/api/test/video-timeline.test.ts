// GET /v1/videos/{video_id}/events: the owner's video's events, oldest first, each type's payload shown as
// progress, error and a line for people, with provider ids and stored failure texts kept out; at most 1,000
// events with has_more; another user's video and a deleted one are 404s like GET /v1/videos/{id}.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VideoTimelineSchema, type VideoEventInput } from '@sora-studio/shared';
import { adminMadeUser, type AdminMadeUser } from './admin-fixtures.ts';
import { call, expectApiError, startApi, type ApiHarness } from './api-harness.ts';

let api: ApiHarness;
let owner: AdminMadeUser;
let other: AdminMadeUser;

const VIDEO_BODY = { prompt: 'a paper boat on a river', model: 'sora-2', seconds: '4', size: '720x1280' };
const PROVIDER_ID = 'video_provider_secret_4242';
const INTERNAL = 'connect ECONNREFUSED 10.1.2.3:4010 at /srv/worker/steps/finalize.ts';

async function createVideo(user: AdminMadeUser): Promise<string> {
  const created = await call(api, 'POST', '/v1/videos', { key: user.apiKey, json: VIDEO_BODY });
  expect(created.status).toBe(200);
  return created.body.id as string;
}

type Written = VideoEventInput & { from?: string; to?: string };

async function writeEvents(videoId: string, events: Written[]): Promise<void> {
  await api.db.insertInto('videoEvents').values(events.map((event) => ({
    videoId, type: event.type, data: event.data, fromStatus: (event.from ?? null) as never, toStatus: (event.to ?? null) as never,
  }))).execute();
}

const money = { reserved_micros: 400_000, settled_micros: 400_000, released_micros: 0 };

beforeAll(async () => {
  api = await startApi('api_video_timeline');
  [owner, other] = await Promise.all([adminMadeUser(api), adminMadeUser(api)]);
});
afterAll(async () => { await api?.close(); });

describe('GET /v1/videos/{video_id}/events', () => {
  it('shows a video\'s life oldest first, progress and money as people read them, no provider ids or internals', async () => {
    const videoId = await createVideo(owner);
    await writeEvents(videoId, [
      { type: 'video.submitted', data: { provider_video_id: PROVIDER_ID, provider_status: 'queued', attempt: 2 }, from: 'queued', to: 'in_progress' },
      { type: 'video.provider_status', data: { provider_status: 'in_progress', progress: 40 } },
      { type: 'video.stalled', data: { reason: 'download_failed', message: `finalize kept failing: ${INTERNAL}`, provider_status: 'completed', progress: 100 } },
      { type: 'video.unstalled', data: { reason: 'download_failed', stalled_for_ms: 12_400, provider_status: 'completed', progress: 100 } },
      { type: 'video.asset_at_risk', data: { provider_expires_at: 1_800_000_000, attempts: 3, message: INTERNAL } },
      { type: 'video.completed', data: { ...money, delivered_seconds: 4, delivered_size: '720x1280' }, from: 'in_progress', to: 'completed' },
    ]);
    const answer = await call(api, 'GET', `/v1/videos/${videoId}/events`, { key: owner.apiKey });
    expect(answer.status).toBe(200);
    const timeline = VideoTimelineSchema.strict().parse(answer.body);
    expect(timeline.has_more).toBe(false);
    expect(timeline.data.map((event) => [event.type, event.from_status, event.to_status, event.progress, event.error, event.message])).toEqual([
      ['video.queued', null, 'queued', 0, null, 'Estimated cost $0.40, reserved.'],
      ['video.submitted', 'queued', 'in_progress', 0, null, null],
      ['video.provider_status', null, null, 40, null, 'The provider reports in_progress.'],
      ['video.stalled', null, null, 100, null, 'Saving the finished video keeps failing. Its cost stays reserved until it is resolved.'],
      ['video.unstalled', null, null, 100, null, 'Running again after 12 s stalled.'],
      ['video.asset_at_risk', null, null, null, null, 'The provider drops its copy at 2027-01-15T08:00:00.000Z and ours is not saved yet; still trying.'],
      ['video.completed', 'in_progress', 'completed', 100, null, 'Charged $0.40; $0.00 of the reservation released.'],
    ]);
    const ids = timeline.data.map((event) => event.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(timeline.data.every((event) => event.object === 'video.event' && event.created_at > 1_700_000_000)).toBe(true);
    expect(answer.text).not.toContain(PROVIDER_ID);
    expect(answer.text).not.toMatch(/ECONNREFUSED|10\.1\.2\.3|\/srv\/|attempt/);
  });

  it('shows a failure\'s error and a cancel\'s reason', async () => {
    const failedId = await createVideo(owner);
    await writeEvents(failedId, [{ type: 'video.failed', data: { ...money, settled_micros: 0, released_micros: 400_000, code: 'moderation_blocked', message: 'The prompt was refused.' }, from: 'queued', to: 'failed' }]);
    const failed = (await call(api, 'GET', `/v1/videos/${failedId}/events`, { key: owner.apiKey })).body.data.at(-1);
    expect(failed).toMatchObject({ type: 'video.failed', error: { code: 'moderation_blocked', message: 'The prompt was refused.' }, message: 'Charged $0.00; $0.40 of the reservation released.' });

    const cancelledId = await createVideo(owner);
    expect((await call(api, 'POST', `/v1/videos/${cancelledId}/cancel`, { key: owner.apiKey })).status).toBe(200);
    const events = (await call(api, 'GET', `/v1/videos/${cancelledId}/events`, { key: owner.apiKey })).body.data;
    expect(events.at(-1)).toMatchObject({ type: 'video.cancelled', to_status: 'cancelled', message: expect.stringMatching(/^Cancelled on request\. Charged \$0\.00; \$0\.40 of the reservation released\.$/) });
  });

  it('gives the oldest 1,000 events and has_more when a video has more', async () => {
    const videoId = await createVideo(owner);
    await writeEvents(videoId, Array.from({ length: 1_000 }, (_, i) => ({ type: 'video.provider_status' as const, data: { provider_status: 'in_progress', progress: i % 101 } })));
    const answer = await call(api, 'GET', `/v1/videos/${videoId}/events`, { key: owner.apiKey });
    expect(answer.status).toBe(200);
    expect(answer.body.data).toHaveLength(1_000);
    expect(answer.body.has_more).toBe(true);
    expect(answer.body.data[0].type).toBe('video.queued');
    expect(answer.body.data.at(-1).progress).toBe(998 % 101);
  });

  it('answers another user\'s video, a deleted one and an unknown one 404 video_not_found', async () => {
    const videoId = await createVideo(owner);
    const deletedId = await createVideo(owner);
    expect((await call(api, 'DELETE', `/v1/videos/${deletedId}`, { key: owner.apiKey })).status).toBe(200);
    for (const [user, id] of [[other, videoId], [owner, deletedId], [owner, 'video_00000000000000000000000000000000']] as const) {
      const answer = await call(api, 'GET', `/v1/videos/${id}/events`, { key: user.apiKey });
      expectApiError(answer, 404, 'video_id');
      expect(answer.body.error.code).toBe('video_not_found');
    }
    expectApiError(await call(api, 'GET', '/v1/videos/not-an-id/events', { key: owner.apiKey }), 400, 'video_id');
  });
});
