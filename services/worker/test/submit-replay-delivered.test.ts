// A submit replayed after its save was lost (the worker killed, or Postgres down, between the provider's answer
// and the save) meets a provider that has already finished the video: the replayed create answers `completed`.
// The delivered shape must be recorded with it, as a poll would, or finalize has nothing to price and the
// video stalls for ever (found by the fault suite: e2e/test/faults, worker-kill and postgres-outage).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createReservedVideo, createTestDatabase, createUserWithKey, waitFor, type TestDatabase } from '@sora-studio/testkit';
import { startPipelineWorld, type PipelineWorld } from './support/pipeline-world.ts';
import { submitNow } from './support/submit-now.ts';

let testDb: TestDatabase;
let world: PipelineWorld;

beforeAll(async () => {
  testDb = await createTestDatabase('worker_submit_replay');
  world = await startPipelineWorld(testDb);
});
afterAll(async () => {
  await world.close();
  await testDb.drop();
});

it('records what the provider delivered when a replayed create answers with a finished video', async () => {
  const { id: userId } = await createUserWithKey(testDb.db);
  const video = await createReservedVideo(testDb.db, userId, { prompt: 'done at once [[emulator:render_ms=1]]' });
  const first = await submitNow(video.id, world.stepDeps);
  // The save is lost, and by the time the job runs again the provider has finished rendering.
  await testDb.db.updateTable('videos')
    .set({ providerVideoId: null, providerStatus: null, deliveredSeconds: null, deliveredSize: null, status: 'queued' })
    .where('id', '=', video.id).execute();
  await waitFor(async () => (await world.provider.retrieveVideo(first.providerVideoId!)).status === 'completed', { what: 'the provider to finish' });

  const replayed = await submitNow(video.id, world.stepDeps);

  expect(replayed).toMatchObject({
    providerVideoId: first.providerVideoId,
    providerStatus: 'completed',
    deliveredSeconds: video.seconds,
    deliveredSize: video.size,
  });
  expect((await world.emu.stats()).videosCreated).toBe(1);
});
