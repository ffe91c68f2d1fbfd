// Each fault knob, in a prompt, in the x-emulator-fault header, or server-wide, seen through the openai SDK.
import { waitFor } from '@sora-studio/testkit';
import OpenAI, { type APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../src/index.ts';
import { errorOf, rawRequest, sdkClient, waitForStatus } from './support/emulator-clients.ts';

let emulator: RunningEmulator;
let client: OpenAI;

beforeAll(async () => {
  emulator = await startEmulator({ renderMs: 50 });
  client = sdkClient(emulator);
});
afterAll(() => emulator.close());

const failureOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

describe('rate_limit and server_error', () => {
  it('answers the first N creates of a prompt with 429 and Retry-After, then accepts it', async () => {
    const prompt = 'busy hour [[emulator:rate_limit=2]]';
    const before = await emulator.stats();

    for (let attempt = 1; attempt <= 2; attempt += 1) {
      const error = await failureOf(client.videos.create({ prompt }));
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect(error).toMatchObject({ status: 429, type: 'requests', code: 'rate_limit_exceeded' });
      const headers = (error as APIError).headers;
      expect(headers?.get('retry-after')).toBe('1');
      expect(headers?.get('retry-after-ms')).toBe('1000');
    }
    const video = await client.videos.create({ prompt });

    expect(video.status).toBe('queued');
    const after = await emulator.stats();
    expect(after.createRequests - before.createRequests).toBe(3);
    expect(after.videosCreated - before.videosCreated).toBe(1);
  });

  it('counts attempts per distinct prompt', async () => {
    await expect(client.videos.create({ prompt: 'first [[emulator:rate_limit=1]]' })).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    await expect(client.videos.create({ prompt: 'second [[emulator:rate_limit=1]]' })).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    await expect(client.videos.create({ prompt: 'first [[emulator:rate_limit=1]]' })).resolves.toMatchObject({ status: 'queued' });
  });

  it('answers the first N creates with 500 in the OpenAI error shape', async () => {
    const prompt = 'flaky backend [[emulator:server_error=2]]';
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      const error = await failureOf(client.videos.create({ prompt }));
      expect(error).toBeInstanceOf(OpenAI.InternalServerError);
      expect(error).toMatchObject({ status: 500, type: 'server_error', error: { message: expect.any(String), param: null } });
    }
    await expect(client.videos.create({ prompt })).resolves.toMatchObject({ status: 'queued' });
  });

  it('rate limits first, then fails, then accepts when both are asked for', async () => {
    const prompt = 'both [[emulator:rate_limit=1;server_error=1]]';
    expect(await failureOf(client.videos.create({ prompt }))).toMatchObject({ status: 429 });
    expect(await failureOf(client.videos.create({ prompt }))).toMatchObject({ status: 500 });
    await expect(client.videos.create({ prompt })).resolves.toMatchObject({ status: 'queued' });
  });

  it("lets the SDK's own retries through a transient 500", async () => {
    const retrying = sdkClient(emulator, { maxRetries: 2 });
    await expect(retrying.videos.create({ prompt: 'retried [[emulator:server_error=1]]' })).resolves.toMatchObject({ status: 'queued' });
  });

  it('applies to remixes as well', async () => {
    const source = await client.videos.create({ prompt: 'remix source' });
    await waitForStatus(client, source.id, 'completed');
    const remix = { prompt: 'remix [[emulator:rate_limit=1]]' };
    await expect(client.videos.remix(source.id, remix)).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    await expect(client.videos.remix(source.id, remix)).resolves.toMatchObject({ remixed_from_video_id: source.id });
  });
});

describe('fail', () => {
  it('accepts a video that moderation then blocks', async () => {
    const video = await client.videos.create({ prompt: 'something forbidden [[emulator:fail=moderation]]' });
    expect(video.status).toBe('queued');

    const failed = await waitForStatus(client, video.id, 'failed');
    expect(failed.error).toEqual({ code: 'moderation_blocked', message: 'Your request was blocked by our moderation system.' });
    expect(failed.expires_at).toBeNull();
    await expect(client.videos.downloadContent(video.id)).rejects.toMatchObject({ status: 400 });
  });

  it('fails a video with internal_error', async () => {
    const video = await client.videos.create({ prompt: 'unlucky [[emulator:fail=error]]' });
    const failed = await waitForStatus(client, video.id, 'failed');
    expect(failed.error?.code).toBe('internal_error');
  });
});

describe('stall', () => {
  it('keeps a video in_progress below 100% long after its render time', async () => {
    const video = await client.videos.create({ prompt: 'forever [[emulator:stall;render_ms=40]]' });
    const createdAt = Date.now();

    const late = await waitFor(async () => {
      const current = await client.videos.retrieve(video.id);
      return Date.now() - createdAt >= 10 * 40 && current;
    }, { intervalMs: 20 });

    expect(late.status).toBe('in_progress');
    expect(late.progress).toBeLessThan(100);
    expect(late.completed_at).toBeNull();
  });
});

describe('latency', () => {
  it('delays every answer about a video whose prompt asks for it', async () => {
    const video = await timed(() => client.videos.create({ prompt: 'slow provider [[emulator:latency=250]]' }));
    expect(video.ms).toBeGreaterThanOrEqual(240);

    const retrieved = await timed(() => client.videos.retrieve(video.result.id));
    expect(retrieved.ms).toBeGreaterThanOrEqual(240);
  });

  it('delays an answer whose request header asks for it, and only that one', async () => {
    const video = await client.videos.create({ prompt: 'quick' });
    const slow = await timed(() => client.videos.retrieve(video.id, { headers: { 'x-emulator-fault': 'latency=500' } }));
    const quick = await timed(() => client.videos.retrieve(video.id));
    expect(slow.ms).toBeGreaterThanOrEqual(490);
    expect(quick.ms).toBeLessThan(490);
  });

  it('delays every answer of an emulator configured with a latency', async () => {
    const slowEmulator = await startEmulator({ latencyMs: 200 });
    try {
      const listed = await timed(() => sdkClient(slowEmulator).videos.list());
      expect(listed.ms).toBeGreaterThanOrEqual(190);
    } finally {
      await slowEmulator.close();
    }
  });
});

describe('render_ms', () => {
  it('sets the time from queued to completed for one video', async () => {
    const slowDefault = await startEmulator({ renderMs: 600_000 });
    try {
      const slowClient = sdkClient(slowDefault);
      const video = await slowClient.videos.create({ prompt: 'rushed [[emulator:render_ms=30]]' });
      await waitForStatus(slowClient, video.id, 'completed');
      const header = await slowClient.videos.create({ prompt: 'rushed by header' }, { headers: { 'x-emulator-fault': '[[emulator:render_ms=30]]' } });
      await waitForStatus(slowClient, header.id, 'completed');
      expect((await slowClient.videos.create({ prompt: 'unhurried' })).status).toBe('queued');
    } finally {
      await slowDefault.close();
    }
  });
});

describe('header and server-wide directives', () => {
  it('applies directives from the x-emulator-fault header to the video it creates', async () => {
    const video = await client.videos.create({ prompt: 'innocent' }, { headers: { 'x-emulator-fault': 'fail=moderation' } });
    expect((await waitForStatus(client, video.id, 'failed')).error?.code).toBe('moderation_blocked');
  });

  it('refuses a header it cannot read', async () => {
    const response = await rawRequest(emulator, '/videos', { headers: { 'x-emulator-fault': 'fail=sometimes' } });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: 'invalid_emulator_directive' });
  });

  it('applies server-wide directives to every video', async () => {
    const strict = await startEmulator({ renderMs: 30, fault: 'fail=moderation' });
    try {
      const strictClient = sdkClient(strict);
      const video = await strictClient.videos.create({ prompt: 'anything at all' });
      expect((await waitForStatus(strictClient, video.id, 'failed')).error?.code).toBe('moderation_blocked');
    } finally {
      await strict.close();
    }
  });
});

describe('Idempotency-Key', () => {
  // The openai SDK's `idempotencyKey` option sends nothing (the client sets no idempotency header), so callers
  // that want idempotent creates send the header themselves, as here.
  const withKey = (key: string) => ({ headers: { 'Idempotency-Key': key } });

  it('returns the same video for the same key and counts it once', async () => {
    const before = await emulator.stats();
    const first = await client.videos.create({ prompt: 'once only' }, withKey('key-once-only'));
    const again = await client.videos.create({ prompt: 'once only' }, withKey('key-once-only'));
    const other = await client.videos.create({ prompt: 'once only' }, withKey('another-key'));

    expect(again.id).toBe(first.id);
    expect(other.id).not.toBe(first.id);
    expect((await emulator.stats()).videosCreated - before.videosCreated).toBe(2);
  });

  it('does not remember a key whose create was refused', async () => {
    const prompt = 'retry with key [[emulator:rate_limit=1]]';
    await expect(client.videos.create({ prompt }, withKey('key-after-429'))).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    await expect(client.videos.create({ prompt }, withKey('key-after-429'))).resolves.toMatchObject({ status: 'queued' });
  });

  it('returns the same remix for the same key', async () => {
    const source = await client.videos.create({ prompt: 'idempotent remix source' });
    await waitForStatus(client, source.id, 'completed');
    const first = await client.videos.remix(source.id, { prompt: 'again' }, withKey('remix-key'));
    const again = await client.videos.remix(source.id, { prompt: 'again' }, withKey('remix-key'));
    expect(again.id).toBe(first.id);
  });
});

async function timed<T>(action: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await action();
  return { result, ms: performance.now() - started };
}
