// A video's whole life through the official SDKs against the whole stack: create, follow, download, list,
// remix, delete, and what it cost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_CATALOG, findVideo, priceVideoMicros, VideoObjectSchema, type VideoStatus } from '@sora-studio/shared';
import { isJpeg, parseMp4 } from '@sora-studio/testkit';
import { SDKS, startStack, type SdkClient, type Stack } from '../src/index.ts';
import { followVideo, statusPath, type SdkVideo, type VideoJourney } from './support/follow-video.ts';
import { downloadVariant } from './support/sdk-downloads.ts';

let stack: Stack;
beforeAll(async () => { stack = await startStack('e2e_lifecycle', { renderMs: 1_000, logs: 'silent' }); });
afterAll(async () => { await stack?.stop(); });

const SHAPE = { model: 'sora-2-pro', size: '1024x1792', seconds: '8' } as const;

async function listIds(sdk: SdkClient, query: { limit?: number; status?: VideoStatus; model?: string; q?: string }): Promise<string[]> {
  const ids: string[] = [];
  for await (const video of sdk.videos.list(query)) ids.push(video.id);
  return ids;
}

describe.each(SDKS)('a video through $name', (sdkSpec) => {
  let sdk: SdkClient;
  let journey: VideoJourney;
  let video: SdkVideo;
  /** What this user has created, oldest first. */
  const created: string[] = [];

  beforeAll(async () => {
    const user = await stack.newUser();
    sdk = sdkSpec.client(stack.baseURL, user.apiKey);
    const first = await sdk.videos.create({ prompt: 'a lighthouse in a storm, waves breaking', ...SHAPE });
    created.push(first.id);
    journey = await followVideo(sdk, first);
    video = journey.final;
  });

  it('moves from queued through in_progress to completed, its progress rising to 100', () => {
    expect(statusPath(journey)).toEqual(['queued', 'in_progress', 'completed']);
    const progress = journey.seen.map((step) => step.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.some((value) => value > 0 && value < 100)).toBe(true);
    expect(video).toMatchObject({ status: 'completed', progress: 100, ...SHAPE, error: null });
  });

  it('delivers an MP4 with one video track of the requested duration, and a JPEG thumbnail and spritesheet', async () => {
    const mp4 = await downloadVariant(sdk, video.id, 'video');
    expect(mp4.contentType).toBe('video/mp4');
    const movie = await parseMp4(mp4.bytes);
    expect(movie.videoTracks).toHaveLength(1);
    expect(movie.duration / movie.timescale).toBeCloseTo(Number(SHAPE.seconds), 0);

    for (const variant of ['thumbnail', 'spritesheet'] as const) {
      const image = await downloadVariant(sdk, video.id, variant);
      expect(image.contentType).toBe('image/jpeg');
      expect(isJpeg(image.bytes)).toBe(true);
    }
  });

  it('charges the catalogue price of what was delivered', async () => {
    const row = await findVideo(stack.db, video.id);
    expect(row).toMatchObject({ deliveredSeconds: Number(SHAPE.seconds), deliveredSize: SHAPE.size });
    const delivered = { model: SHAPE.model, size: row!.deliveredSize!, seconds: String(row!.deliveredSeconds) };
    expect(VideoObjectSchema.parse(video).cost).toEqual({
      estimated_micros: priceVideoMicros(DEFAULT_MODEL_CATALOG, SHAPE),
      actual_micros: priceVideoMicros(DEFAULT_MODEL_CATALOG, delivered),
      currency: 'usd',
    });
  });

  it('lists by status, model and prompt search, and pages through every video with for await', async () => {
    const blocked = await sdk.videos.create({ prompt: 'an ocean sunset [[emulator:fail=moderation]]', model: 'sora-2' });
    created.push(blocked.id);
    expect((await followVideo(sdk, blocked)).final.status).toBe('failed');

    expect(await listIds(sdk, { status: 'failed' })).toEqual([blocked.id]);
    expect(await listIds(sdk, { status: 'completed', model: 'sora-2-pro' })).toEqual([video.id]);
    expect(await listIds(sdk, { model: 'sora-2' })).toEqual([blocked.id]);
    expect(await listIds(sdk, { q: 'lighthouse' })).toEqual([video.id]);
    expect(await listIds(sdk, { limit: 1 })).toEqual([...created].reverse());
  });

  it('remixes the completed video into a new video that completes', async () => {
    const remix = await sdk.videos.remix(video.id, { prompt: 'the same lighthouse at night, its beam sweeping' });
    created.push(remix.id);
    expect(remix).toMatchObject({ status: 'queued', remixed_from_video_id: video.id });

    const done = (await followVideo(sdk, remix)).final;
    expect(done).toMatchObject({ status: 'completed', remixed_from_video_id: video.id, model: SHAPE.model });
    expect((await downloadVariant(sdk, remix.id, 'video')).bytes.length).toBeGreaterThan(0);
  });

  it('deletes the video, after which retrieve and content answer 404', async () => {
    expect(await sdk.videos.delete(video.id)).toMatchObject({ id: video.id, deleted: true });
    await expect(sdk.videos.retrieve(video.id)).rejects.toBeInstanceOf(sdkSpec.NotFoundError);
    await expect(sdk.videos.downloadContent(video.id)).rejects.toBeInstanceOf(sdkSpec.NotFoundError);
    expect(await listIds(sdk, { limit: 100 })).not.toContain(video.id);
  });
});
