// A download's body must survive garbage collection between the provider's answer and the first read: undici
// cancels the body of a Response that is collected unread, and storage opens its file before it reads.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '@sora-studio/emulator';
import { waitFor } from '@sora-studio/testkit';
import { createOpenAiProvider, type ProviderClient } from '../src/index.ts';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

let emulator: RunningEmulator;
let provider: ProviderClient;
beforeAll(async () => {
  emulator = await startEmulator({ renderMs: 0 });
  provider = createOpenAiProvider({ baseUrl: emulator.baseUrl, apiKey: 'sk-test', timeoutMs: 30_000 });
});
afterAll(async () => { await emulator?.close(); });

async function byteCount(body: AsyncIterable<Uint8Array>): Promise<number> {
  let bytes = 0;
  for await (const chunk of body) bytes += chunk.byteLength;
  return bytes;
}

it('keeps every byte of a download whose reader starts after a garbage collection', async () => {
  const created = await provider.createVideo({ prompt: 'a kept download', model: 'sora-2', seconds: '4', size: '1280x720' }, { idempotencyKey: 'video_gc' });
  await waitFor(async () => (await provider.retrieveVideo(created.id)).status === 'completed', { what: 'the render' });
  const downloads = await Promise.all(['video', 'thumbnail', 'spritesheet'].map((variant) => provider.downloadContent(created.id, variant as 'video')));
  // What a busy process does between the answer and storage's first read: collect, then run finalizers.
  for (let round = 0; round < 5; round += 1) {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  for (const download of downloads) {
    expect(download.contentLength).toBeGreaterThan(0);
    expect(await byteCount(download.body)).toBe(download.contentLength);
  }
});
