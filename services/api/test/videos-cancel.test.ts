// POST /v1/videos/:video_id/cancel, and what DELETE does to the money of an unfinished video. No worker runs
// here: the rows are put where the worker would have put them. The worker's side is tested in services/worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findVideoLedger, type VideoEventType, type VideoStatus } from '@sora-studio/shared';
import type { TestUser } from '@sora-studio/testkit';
import { call, expectApiError, startApi, type ApiHarness } from './api-harness.ts';

let api: ApiHarness;
let user: TestUser;

beforeAll(async () => {
  api = await startApi('api_cancel');
  user = await api.newUser();
});
afterAll(async () => { await api?.close(); });

async function createVideo(): Promise<{ id: string; estimatedMicros: number }> {
  const created = await call(api, 'POST', '/v1/videos', { key: user.apiKey, json: { prompt: 'a paper boat in the rain' } });
  expect(created.status).toBe(200);
  return { id: created.body.id as string, estimatedMicros: created.body.cost.estimated_micros as number };
}

/** Where the worker's submit leaves a video: an attempt counted and, once the provider answered, its id. */
async function submitted(videoId: string, providerVideoId: string | null): Promise<void> {
  await api.db.updateTable('videos')
    .set({ submitAttempts: 1, providerVideoId, status: providerVideoId ? 'in_progress' : 'queued' })
    .where('id', '=', videoId).execute();
}

const cancel = (videoId: string) => call(api, 'POST', `/v1/videos/${videoId}/cancel`, { key: user.apiKey });

async function eventCount(videoId: string, type: VideoEventType): Promise<number> {
  const rows = await api.db.selectFrom('videoEvents').select('id').where('videoId', '=', videoId).where('type', '=', type).execute();
  return rows.length;
}

describe('POST /v1/videos/:video_id/cancel', () => {
  it('cancels a queued video at once and releases its whole reservation', async () => {
    const video = await createVideo();
    const answer = await cancel(video.id);

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: video.id, object: 'video', status: 'cancelled', cancel_requested_at: null });
    expect(await findVideoLedger(api.db, video.id)).toEqual({ reserve: video.estimatedMicros, release: video.estimatedMicros });
    expect(await eventCount(video.id, 'video.cancelled')).toBe(1);
  });

  it('marks a video the provider has as cancel-requested, keeping its status and its reservation for the worker to settle', async () => {
    const video = await createVideo();
    await submitted(video.id, 'video_at_the_provider_1');
    const before = Math.floor(Date.now() / 1000);
    const answer = await cancel(video.id);

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'in_progress', cost: { actual_micros: null } });
    expect(answer.body.cancel_requested_at).toBeGreaterThanOrEqual(before);
    expect((await call(api, 'GET', `/v1/videos/${video.id}`, { key: user.apiKey })).body.cancel_requested_at).toBe(answer.body.cancel_requested_at);
    expect(await findVideoLedger(api.db, video.id)).toEqual({ reserve: video.estimatedMicros });
  });

  it('only asks while a submit attempt is counted and unanswered, since that call may be reaching the provider', async () => {
    const video = await createVideo();
    await submitted(video.id, null);
    const answer = await cancel(video.id);

    expect(answer.body).toMatchObject({ status: 'queued' });
    expect(answer.body.cancel_requested_at).toEqual(expect.any(Number));
    expect(await findVideoLedger(api.db, video.id)).toEqual({ reserve: video.estimatedMicros });
  });

  it('changes nothing when asked again', async () => {
    const queued = await createVideo();
    const atProvider = await createVideo();
    await submitted(atProvider.id, 'video_at_the_provider_2');
    for (const video of [queued, atProvider]) {
      const first = await cancel(video.id);
      const second = await cancel(video.id);
      expect(second.status).toBe(200);
      expect(second.body).toEqual(first.body);
    }
    expect(await findVideoLedger(api.db, queued.id)).toEqual({ reserve: queued.estimatedMicros, release: queued.estimatedMicros });
    expect(await eventCount(queued.id, 'video.cancelled')).toBe(1);
    expect(await eventCount(atProvider.id, 'video.cancel_requested')).toBe(1);
  });

  it.each<VideoStatus>(['completed', 'failed'])('refuses to cancel a %s video with 409', async (status) => {
    const video = await createVideo();
    await api.db.updateTable('videos').set({ status }).where('id', '=', video.id).execute();
    const answer = await cancel(video.id);

    expectApiError(answer, 409, 'video_id');
    expect(answer.body.error.code).toBe('video_finished');
    expect(await findVideoLedger(api.db, video.id)).toEqual({ reserve: video.estimatedMicros });
  });

  it('answers 404 for a deleted video and for one that does not exist', async () => {
    const video = await createVideo();
    expect((await call(api, 'DELETE', `/v1/videos/${video.id}`, { key: user.apiKey })).status).toBe(200);
    for (const videoId of [video.id, 'video_0123456789abcdef0123456789abcdef']) {
      const answer = await cancel(videoId);
      expectApiError(answer, 404);
      expect(answer.body.error.code).toBe('video_not_found');
    }
  });
});

describe('DELETE /v1/videos/:video_id of an unfinished video', () => {
  it('cancels a video the provider never had and releases its whole reservation at once', async () => {
    const video = await createVideo();
    expect((await call(api, 'DELETE', `/v1/videos/${video.id}`, { key: user.apiKey })).status).toBe(200);

    const row = await api.db.selectFrom('videos').select(['status', 'deletedAt']).where('id', '=', video.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'cancelled', deletedAt: expect.any(Date) });
    expect(await findVideoLedger(api.db, video.id)).toEqual({ reserve: video.estimatedMicros, release: video.estimatedMicros });
  });

  it('keeps the reservation of a video the provider has, for the worker to settle at what the provider bills', async () => {
    const video = await createVideo();
    await submitted(video.id, 'video_at_the_provider_3');
    expect((await call(api, 'DELETE', `/v1/videos/${video.id}`, { key: user.apiKey })).status).toBe(200);

    const row = await api.db.selectFrom('videos').select(['status', 'deletedAt']).where('id', '=', video.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'in_progress', deletedAt: expect.any(Date) });
    expect(await findVideoLedger(api.db, video.id)).toEqual({ reserve: video.estimatedMicros });
  });
});
