// asset_bytes streams: a 1 GiB download from the emulator running as its own process (server.ts) leaves its
// resident memory (VmRSS) within 64 MB of where it was before.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@sora-studio/testkit';
import { residentBytes, sampleResidentBytes } from './support/process-rss.ts';

const SERVER = fileURLToPath(new URL('../src/server.ts', import.meta.url));
const GIB = 1024 * 1024 * 1024;
const MB = 1024 * 1024;
const auth = { authorization: 'Bearer k' };

let server: ChildProcess;
let baseUrl: string;

beforeAll(async () => {
  server = spawn(process.execPath, [SERVER], {
    env: { ...process.env, EMULATOR_PORT: '0', EMULATOR_RENDER_MS: '10', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for await (const line of createInterface({ input: server.stdout! })) {
    const entry = JSON.parse(line) as { msg?: string; baseUrl?: string };
    if (entry.msg === 'emulator listening' && entry.baseUrl) {
      baseUrl = entry.baseUrl;
      break;
    }
  }
  server.stdout!.resume();
});
afterAll(async () => {
  const exited = once(server, 'exit');
  server.kill('SIGTERM');
  await exited;
});

/** Streams a download to nowhere, counting its bytes. */
async function byteCount(response: Response): Promise<number> {
  let bytes = 0;
  for await (const part of response.body!) bytes += part.byteLength;
  return bytes;
}

describe('asset_bytes memory', () => {
  it('serves a 1 GiB video without growing the emulator by 64 MB', { timeout: 120_000 }, async () => {
    const created = await fetch(`${baseUrl}/videos`, {
      method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ prompt: `one gibibyte [[emulator:asset_bytes=${GIB}]]` }),
    });
    const { id } = (await created.json()) as { id: string };
    const content = `${baseUrl}/videos/${id}/content`;
    // The render is 10 ms, but on a loaded machine the first download can still come before it ends (a 400).
    await waitFor(async () => {
      const video = (await (await fetch(`${baseUrl}/videos/${id}`, { headers: auth })).json()) as { status: string };
      return video.status === 'completed';
    }, { what: 'the video to complete' });
    // A first, small download renders and caches the MP4 (a one-off ~40 MB of frames, whatever asset_bytes says) and
    // warms the route up, so what is measured is what streaming the padding costs.
    const warm = await fetch(content, { headers: { ...auth, 'x-emulator-fault': 'asset_bytes=2000000' } });
    expect(warm.status).toBe(200);
    await byteCount(warm);
    const baseline = await residentBytes(server.pid!);

    const sampler = sampleResidentBytes(server.pid!);
    const response = await fetch(content, { headers: auth });
    expect(response.headers.get('content-length')).toBe(String(GIB));
    const received = await byteCount(response);
    const peak = await sampler.stop();

    expect(received).toBe(GIB);
    const figures = `emulator RSS: baseline ${(baseline / MB).toFixed(1)} MB, peak ${(peak / MB).toFixed(1)} MB during a 1 GiB download`;
    expect(peak - baseline, figures).toBeLessThan(64 * MB);
  });
});
