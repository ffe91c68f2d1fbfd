// The per-video create counts the fault suite relies on: a create replayed under its Idempotency-Key is not a
// second video; a key that did create two (the caller forgot the first) is counted as a duplicate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../src/index.ts';
import { EmulatorStats } from '../src/stats/emulator-stats.ts';
import { rawRequest } from './support/emulator-clients.ts';

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator({ renderMs: 50 });
});
afterAll(() => emulator.close());

function create(prompt: string, idempotencyKey?: string): Promise<Response> {
  return rawRequest(emulator, '/videos', {
    method: 'POST',
    json: { prompt },
    headers: idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey },
  });
}

describe('per-video create counts', () => {
  it('counts a replayed create once, and a create without a key apart', async () => {
    const first = await create('once', 'video_stats_a');
    const replay = await create('once', 'video_stats_a');
    expect((await replay.json() as { id: string }).id).toBe((await first.json() as { id: string }).id);
    await create('other', 'video_stats_b');
    await create('no key');

    expect(await emulator.stats()).toMatchObject({
      videosCreated: 3,
      createRequests: 4,
      creates: { idempotencyKeys: 2, keysCreatedMoreThanOnce: 0, withoutIdempotencyKey: 1 },
    });
  });

  it('counts calls per video: create requests per key, replays included, and retrieves per video', () => {
    const stats = new EmulatorStats();
    for (const key of ['video_x', 'video_x', 'video_y']) stats.recordCreateRequest(key);
    stats.recordCreate('video_x');
    stats.recordCreate('video_y');
    for (const id of ['video_1', 'video_1', 'video_1']) stats.recordRetrieve(id);
    expect(stats.snapshot().perVideo).toEqual({ createRequests: { max: 2, mean: 1.5 }, retrieves: { max: 3, mean: 1.5 } });
  });

  it('counts a key that created a second video as a duplicate, once however often it repeats', () => {
    const stats = new EmulatorStats();
    for (const key of ['video_x', 'video_x', 'video_x', 'video_y']) stats.recordCreate(key);
    expect(stats.snapshot()).toMatchObject({ videosCreated: 4, creates: { idempotencyKeys: 2, keysCreatedMoreThanOnce: 1, withoutIdempotencyKey: 0 } });
  });
});
