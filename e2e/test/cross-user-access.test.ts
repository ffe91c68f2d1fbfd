// One user's videos do not exist for another: every video route answers 404 through the SDK, as for an
// unknown id, so a caller cannot even learn that the id is taken.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SDKS, startStack, type SdkClient, type Stack } from '../src/index.ts';
import { followVideo, type SdkVideo } from './support/follow-video.ts';

let stack: Stack;
beforeAll(async () => { stack = await startStack('e2e_cross_user', { renderMs: 100, logs: 'silent' }); });
afterAll(async () => { await stack?.stop(); });

describe.each(SDKS)('cross-user access through $name', (sdkSpec) => {
  let owner: SdkClient;
  let stranger: SdkClient;
  let video: SdkVideo;

  beforeAll(async () => {
    const [ownerUser, strangerUser] = await Promise.all([stack.newUser(), stack.newUser()]);
    owner = sdkSpec.client(stack.baseURL, ownerUser.apiKey);
    stranger = sdkSpec.client(stack.baseURL, strangerUser.apiKey);
    const created = await owner.videos.create({ prompt: 'a private garden at dawn' });
    video = (await followVideo(owner, created)).final;
  });

  it("answers NotFoundError on another user's video for retrieve, content, remix and delete", async () => {
    expect(video.status).toBe('completed');
    await expect(stranger.videos.retrieve(video.id)).rejects.toBeInstanceOf(sdkSpec.NotFoundError);
    await expect(stranger.videos.downloadContent(video.id)).rejects.toBeInstanceOf(sdkSpec.NotFoundError);
    await expect(stranger.videos.remix(video.id, { prompt: 'borrowed' })).rejects.toBeInstanceOf(sdkSpec.NotFoundError);
    await expect(stranger.videos.delete(video.id)).rejects.toBeInstanceOf(sdkSpec.NotFoundError);
  });

  it("leaves the owner's video as it was", async () => {
    expect(await owner.videos.retrieve(video.id)).toMatchObject({ id: video.id, status: 'completed' });
    expect((await owner.videos.downloadContent(video.id)).status).toBe(200);
    const strangersVideos: string[] = [];
    for await (const listed of stranger.videos.list()) strangersVideos.push(listed.id);
    expect(strangersVideos).toEqual([]);
  });
});
