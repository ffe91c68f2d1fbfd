// The lifecycle helper on a real database: it writes a change and its event together, and refuses an
// illegal one, or a status change recorded under the wrong event, writing nothing at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeVideo, IllegalVideoTransitionError, lockVideo, withUnfinishedVideo, type Video } from '@sora-studio/shared';
import { completeReservedVideo, createReservedVideo, createTestDatabase, createUserWithKey, type TestDatabase } from '@sora-studio/testkit';

let testDb: TestDatabase;
let userId: string;

beforeAll(async () => {
  testDb = await createTestDatabase('shared_video_transition');
  userId = (await createUserWithKey(testDb.db)).id;
});
afterAll(async () => { await testDb.drop(); });

async function snapshot(videoId: string): Promise<{ row: Video; events: string[] }> {
  const row = await testDb.db.selectFrom('videos').selectAll().where('id', '=', videoId).executeTakeFirstOrThrow();
  const events = await testDb.db.selectFrom('videoEvents').select('type').where('videoId', '=', videoId).orderBy('id').execute();
  return { row, events: events.map((event) => event.type) };
}

describe('changeVideo', () => {
  it('writes an allowed status change with its event, from and to', async () => {
    const video = await createReservedVideo(testDb.db, userId);
    await testDb.db.transaction().execute(async (trx) => {
      const locked = (await lockVideo(trx, video.id))!;
      await changeVideo(trx, locked, { status: 'in_progress', providerVideoId: 'video_p1' }, {
        type: 'video.submitted', data: { provider_video_id: 'video_p1', provider_status: 'queued', attempt: 1 },
      });
    });
    const events = await testDb.db.selectFrom('videoEvents').select(['type', 'fromStatus', 'toStatus', 'data']).where('videoId', '=', video.id).orderBy('id').execute();
    expect(events).toEqual([
      expect.objectContaining({ type: 'video.queued', fromStatus: null, toStatus: 'queued' }),
      { type: 'video.submitted', fromStatus: 'queued', toStatus: 'in_progress', data: { provider_video_id: 'video_p1', provider_status: 'queued', attempt: 1 } },
    ]);
  });

  it('refuses a change out of a terminal status, and the transaction writes nothing', async () => {
    const video = await createReservedVideo(testDb.db, userId);
    await completeReservedVideo(testDb.db, video.id);
    const before = await snapshot(video.id);

    const attempt = testDb.db.transaction().execute(async (trx) => {
      const locked = (await lockVideo(trx, video.id))!;
      await changeVideo(trx, locked, { status: 'failed', errorCode: 'late', errorMessage: 'too late' }, {
        type: 'video.failed', data: { code: 'late', message: 'too late', reserved_micros: 0, settled_micros: 0, released_micros: 0 },
      });
    });
    await expect(attempt).rejects.toBeInstanceOf(IllegalVideoTransitionError);
    await expect(attempt).rejects.toThrow(/cannot go from completed to failed/);
    expect(await snapshot(video.id)).toEqual(before);
  });

  it('refuses a skipped step (queued → completed) before writing anything', async () => {
    const video = await createReservedVideo(testDb.db, userId);
    const before = await snapshot(video.id);
    const attempt = testDb.db.transaction().execute(async (trx) => {
      const locked = (await lockVideo(trx, video.id))!;
      await changeVideo(trx, locked, { status: 'completed' }, {
        type: 'video.completed', data: { reserved_micros: 0, settled_micros: 0, released_micros: 0, delivered_seconds: 4, delivered_size: '720x1280' },
      });
    });
    await expect(attempt).rejects.toThrow(/cannot go from queued to completed/);
    expect(await snapshot(video.id)).toEqual(before);
  });

  it('refuses a status change recorded under another status\'s event', async () => {
    const video = await createReservedVideo(testDb.db, userId);
    const attempt = testDb.db.transaction().execute(async (trx) => {
      const locked = (await lockVideo(trx, video.id))!;
      await changeVideo(trx, locked, { status: 'cancelled' }, { type: 'video.deleted', data: { status: 'queued' } });
    });
    await expect(attempt).rejects.toThrow(/must be recorded as video.cancelled/);
    expect((await snapshot(video.id)).row.status).toBe('queued');
  });

  it('takes a patch that keeps the status as a plain change, with an event only when given one', async () => {
    const video = await createReservedVideo(testDb.db, userId);
    await testDb.db.transaction().execute(async (trx) => {
      const locked = (await lockVideo(trx, video.id))!;
      await changeVideo(trx, locked, { status: 'queued', submitAttempts: 1 });
    });
    expect(await snapshot(video.id)).toMatchObject({ row: { status: 'queued', submitAttempts: 1 }, events: ['video.queued'] });
  });
});

describe('withUnfinishedVideo', () => {
  it('runs the change on an unfinished video and skips a terminal one', async () => {
    const open = await createReservedVideo(testDb.db, userId);
    const done = await createReservedVideo(testDb.db, userId);
    await completeReservedVideo(testDb.db, done.id);
    const [ran, skipped] = await testDb.db.transaction().execute(async (trx) => [
      await withUnfinishedVideo(trx, open.id, async (locked) => locked.id),
      await withUnfinishedVideo(trx, done.id, async () => 'should not run'),
    ]);
    expect(ran).toEqual({ kind: 'changed', value: open.id });
    expect(skipped).toMatchObject({ kind: 'finished', video: { id: done.id, status: 'completed' } });
  });
});
