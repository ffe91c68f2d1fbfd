// The admin's videos over HTTP: the stalled list and the summary, and resolving a stalled video with its
// money released or settled, written to the audit log, refused once the video has ended.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminSummarySchema, AdminVideoListSchema, AdminVideoObjectSchema, checkLedger, findVideoLedger } from '@sora-studio/shared';
import { budgetCounters, createBudget, type TestUser } from '@sora-studio/testkit';
import { ADMIN_KEY, call, expectApiError, startApi, type ApiHarness } from './api-harness.ts';

let api: ApiHarness;
let user: TestUser;

beforeAll(async () => {
  api = await startApi('api_admin_videos');
  user = await api.newUser();
});
afterAll(async () => { await api?.close(); });

const admin = (method: string, path: string, json?: unknown) => call(api, method, path, { key: ADMIN_KEY, ...(json === undefined ? {} : { json }) });

async function createVideo(prompt = 'a heron in the reeds'): Promise<{ id: string; cost: { estimated_micros: number } }> {
  const created = await call(api, 'POST', '/v1/videos', { key: user.apiKey, json: { prompt } });
  expect(created.status).toBe(200);
  return created.body;
}

/** What the worker does when the provider keeps answering 404 for a video it had (steps/stall.ts). */
async function markStalledByTheWorker(videoId: string): Promise<void> {
  await api.db.updateTable('videos')
    .set({ status: 'in_progress', providerVideoId: `video_forgotten_${videoId}`, submitAttempts: 1, stalledAt: new Date(), stalledReason: 'provider_not_found' })
    .where('id', '=', videoId).execute();
}

describe('GET /admin/videos?stalled=true and GET /admin/summary', () => {
  it('lists only the unfinished stalled videos, pages them, and counts them in the summary', async () => {
    const before = AdminSummarySchema.parse((await admin('GET', '/admin/summary')).body);
    const [first, second] = [await createVideo(), await createVideo()];
    const calm = await createVideo();
    await markStalledByTheWorker(first.id);
    await markStalledByTheWorker(second.id);

    const page1 = await admin('GET', '/admin/videos?stalled=true&limit=1');
    expect(page1.status).toBe(200);
    const list1 = AdminVideoListSchema.parse(page1.body);
    expect(list1).toMatchObject({ has_more: true, data: [{ id: second.id, user_id: user.id, stalled_reason: 'provider_not_found', status: 'in_progress' }] });
    expect(list1.data[0]!.stalled_at).toEqual(expect.any(Number));
    const list2 = AdminVideoListSchema.parse((await admin('GET', `/admin/videos?stalled=true&limit=1&after=${list1.last_id}`)).body);
    expect(list2).toMatchObject({ has_more: false, data: [{ id: first.id }] });

    const calmOnes = AdminVideoListSchema.parse((await admin('GET', '/admin/videos?stalled=false&limit=100')).body).data.map((video) => video.id);
    expect(calmOnes).toContain(calm.id);
    expect(calmOnes).not.toContain(first.id);

    const after = AdminSummarySchema.parse((await admin('GET', '/admin/summary')).body);
    expect(after.videos.stalled - before.videos.stalled).toBe(2);
    expect(after.videos.unfinished - before.videos.unfinished).toBe(3);
    expect(after.videos.by_status.in_progress - before.videos.by_status.in_progress).toBe(2);
  });

  it('refuses a stalled filter that is not true or false, naming it', async () => {
    expectApiError(await admin('GET', '/admin/videos?stalled=maybe'), 400, 'stalled');
  });
});

describe('POST /admin/videos/:video_id/resolve', () => {
  it('fail_release ends a stalled video failed, releases its whole reservation and writes the audit log', async () => {
    const video = await createVideo();
    await markStalledByTheWorker(video.id);

    const resolved = await admin('POST', `/admin/videos/${video.id}/resolve`, { action: 'fail_release', reason: 'the provider lost it' });
    expect(resolved.status).toBe(200);
    expect(AdminVideoObjectSchema.parse(resolved.body)).toMatchObject({
      id: video.id, status: 'failed', error: { code: 'resolved_by_admin', message: expect.stringContaining('the provider lost it') },
    });
    const reserved = video.cost.estimated_micros;
    expect(await findVideoLedger(api.db, video.id)).toEqual({ reserve: reserved, release: reserved });
    const audit = await api.db.selectFrom('auditLog').selectAll().where('targetId', '=', video.id).execute();
    expect(audit).toEqual([expect.objectContaining({
      actor: 'admin-key', action: 'video.resolved',
      data: { action: 'fail_release', reason: 'the provider lost it', stalled_reason: 'provider_not_found', reserved_micros: reserved, settled_micros: 0, released_micros: reserved },
    })]);
    const events = await api.db.selectFrom('videoEvents').select(['type', 'fromStatus', 'toStatus']).where('videoId', '=', video.id).orderBy('id').execute();
    expect(events.at(-1)).toEqual({ type: 'video.failed', fromStatus: 'in_progress', toStatus: 'failed' });
    expect((await checkLedger(api.db)).ok).toBe(true);
  });

  it('fail_settle charges the reserved amount to the video and its budget', async () => {
    const budgetUser = await api.newUser();
    const budgetId = await createBudget(api.db, budgetUser.id, 'month', 100_000_000);
    const created = await call(api, 'POST', '/v1/videos', { key: budgetUser.apiKey, json: { prompt: 'a lantern festival' } });
    const videoId: string = created.body.id;
    await markStalledByTheWorker(videoId);

    const resolved = await admin('POST', `/admin/videos/${videoId}/resolve`, { action: 'fail_settle' });
    expect(resolved.body).toMatchObject({ status: 'failed', cost: { actual_micros: created.body.cost.estimated_micros } });
    expect(await findVideoLedger(api.db, videoId)).toEqual({ reserve: created.body.cost.estimated_micros, settle: created.body.cost.estimated_micros });
    expect(await budgetCounters(api.db, budgetId)).toEqual({ reserved: 0, spent: created.body.cost.estimated_micros });
    expect((await checkLedger(api.db)).ok).toBe(true);
  });

  it('answers 409 for a video that has already ended, and changes nothing', async () => {
    const video = await createVideo();
    await markStalledByTheWorker(video.id);
    expect((await admin('POST', `/admin/videos/${video.id}/resolve`, { action: 'fail_release' })).status).toBe(200);
    const ledger = await findVideoLedger(api.db, video.id);

    const again = await admin('POST', `/admin/videos/${video.id}/resolve`, { action: 'fail_settle' });
    expectApiError(again, 409, 'video_id');
    expect(again.body.error.code).toBe('video_finished');
    expect(await findVideoLedger(api.db, video.id)).toEqual(ledger);
    expect(await api.db.selectFrom('auditLog').select('id').where('targetId', '=', video.id).execute()).toHaveLength(1);
  });

  it('answers 404 for an unknown video and 400 for an unknown action', async () => {
    expectApiError(await admin('POST', '/admin/videos/video_00000000000000000000000000000000/resolve', { action: 'fail_release' }), 404, 'video_id');
    const video = await createVideo();
    expectApiError(await admin('POST', `/admin/videos/${video.id}/resolve`, { action: 'forgive' }), 400, 'action');
  });
});
