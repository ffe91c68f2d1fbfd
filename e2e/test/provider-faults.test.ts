// What a client sees when the provider pushes back: a 429 is waited out behind the API, a refusal becomes a
// failed video with the provider's error code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SDKS, startStack, type SdkClient, type Stack } from '../src/index.ts';
import { followVideo } from './support/follow-video.ts';

let stack: Stack;
beforeAll(async () => { stack = await startStack('e2e_faults', { renderMs: 200, logs: 'silent' }); });
afterAll(async () => { await stack?.stop(); });

describe.each(SDKS)('provider faults through $name', (sdkSpec) => {
  let sdk: SdkClient;
  beforeAll(async () => {
    const user = await stack.newUser();
    sdk = sdkSpec.client(stack.baseURL, user.apiKey);
  });

  it('completes a video whose first two provider submits answered 429, creating one provider video', async () => {
    const before = await stack.emulator.stats();
    // The emulator counts 429s per prompt, so each SDK's run needs its own.
    const created = await sdk.videos.create({ prompt: `a kite over dunes, ${sdkSpec.name} [[emulator:rate_limit=2]]` });
    expect(created.status).toBe('queued');

    const { final } = await followVideo(sdk, created, 20_000);
    expect(final).toMatchObject({ status: 'completed', progress: 100, error: null });
    const after = await stack.emulator.stats();
    expect(after.videosCreated - before.videosCreated).toBe(1);
    expect(after.createRequests - before.createRequests).toBe(3);
  });

  it('fails a video the provider blocks for moderation, and the SDK shows the code and message', async () => {
    const created = await sdk.videos.create({ prompt: 'a forbidden scene [[emulator:fail=moderation]]' });
    const { final } = await followVideo(sdk, created);
    expect(final.status).toBe('failed');
    expect(final.error?.code).toBe('moderation_blocked');
    expect(final.error?.message).toMatch(/moderation/i);
  });
});
