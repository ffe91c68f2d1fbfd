// The emulator's provider webhooks: when a video's state becomes terminal it POSTs OpenAI's event, signed per
// Standard Webhooks so the openai SDK's `webhooks.unwrap` accepts it; a failed attempt is retried with the same
// webhook-id; a deleted or stalled video sends nothing. The receiver is a real HTTP server.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '@sora-studio/shared';
import { waitFor } from '@sora-studio/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../src/index.ts';
import { jsonOf, rawRequest } from './support/emulator-clients.ts';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  receivedAtMs: number;
}

let receiver: Server;
let received: Received[] = [];
/** Status codes to answer with, in order; 200 once they run out. */
let answers: number[] = [];
let emulator: RunningEmulator;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAtMs: Date.now() });
      response.writeHead(answers.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as AddressInfo;
  emulator = await startEmulator({ renderMs: 150, webhookUrl: `http://127.0.0.1:${port}/hooks`, webhookSecret: SECRET });
});
afterAll(async () => {
  await emulator?.close();
  await new Promise((resolve) => receiver.close(resolve));
});
beforeEach(() => {
  received = [];
  answers = [];
});

async function create(prompt: string): Promise<{ id: string; created_at: number }> {
  return jsonOf(await rawRequest(emulator, '/videos', { method: 'POST', json: { prompt } }));
}

function eventsFor(videoId: string): Received[] {
  return received.filter((delivery) => (JSON.parse(delivery.body) as { data: { id: string } }).data.id === videoId);
}

async function unwrap(delivery: Received): Promise<unknown> {
  return await new OpenAI({ apiKey: 'unused', webhookSecret: SECRET }).webhooks.unwrap(delivery.body, delivery.headers as Record<string, string>);
}

describe('provider webhooks', () => {
  it('sends video.completed when the render ends, in OpenAI\'s shape, verified by the openai SDK', async () => {
    const createdAtMs = Date.now();
    const video = await create('a kite over the dunes');
    const [delivery] = await waitFor(() => eventsFor(video.id).length > 0 && eventsFor(video.id), { what: 'the webhook' });
    expect(delivery!.receivedAtMs - createdAtMs).toBeGreaterThanOrEqual(150);
    const event = await unwrap(delivery!) as Record<string, unknown>;
    expect(event).toEqual({ id: expect.stringMatching(/^evt_/), object: 'event', created_at: expect.any(Number), type: 'video.completed', data: { id: video.id } });
    expect(delivery!.headers['webhook-id']).toBe(event.id);
    expect(verifyWebhook(delivery!.body, delivery!.headers, SECRET)).toEqual(event);
    // The video really is completed when its event arrives.
    expect((await jsonOf<{ status: string }>(await rawRequest(emulator, `/videos/${video.id}`))).status).toBe('completed');
  });

  it('sends video.failed for a video that fails', async () => {
    const video = await create('a forbidden scene [[emulator:fail=moderation]]');
    const [delivery] = await waitFor(() => eventsFor(video.id).length > 0 && eventsFor(video.id), { what: 'the webhook' });
    expect(await unwrap(delivery!)).toMatchObject({ type: 'video.failed', data: { id: video.id } });
  });

  it('retries a refused delivery with the same webhook-id and a fresh signature', async () => {
    answers = [500, 503];
    const before = (await emulator.stats()).webhooks;
    const video = await create('a retried event');
    const deliveries = await waitFor(() => eventsFor(video.id).length >= 3 && eventsFor(video.id), { what: 'three attempts' });
    expect(new Set(deliveries.map((delivery) => delivery.headers['webhook-id'])).size).toBe(1);
    for (const delivery of deliveries) {
      expect(await unwrap(delivery)).toMatchObject({ type: 'video.completed' });
      // Each attempt is signed at its own time, not the first one's, or receivers would refuse late retries.
      expect(Math.abs(Number(delivery.headers['webhook-timestamp']) - Math.floor(delivery.receivedAtMs / 1000))).toBeLessThanOrEqual(1);
    }
    const after = await waitFor(async () => {
      const stats = (await emulator.stats()).webhooks;
      return stats.delivered === before.delivered + 1 && stats;
    }, { what: 'the delivery to be counted' });
    expect(after).toMatchObject({ events: before.events + 1, attempts: before.attempts + 3 });
  });

  it('sends nothing for a deleted video or a stalled one', async () => {
    const deleted = await create('deleted before it ends [[emulator:render_ms=100]]');
    const stalled = await create('never ends [[emulator:render_ms=100]] [[emulator:stall]]');
    expect((await rawRequest(emulator, `/videos/${deleted.id}`, { method: 'DELETE' })).status).toBe(200);
    // Created after both and ending after both would have: its event arriving shows theirs had their chance.
    const later = await create('ends later [[emulator:render_ms=300]]');
    await waitFor(() => eventsFor(later.id).length > 0, { what: 'the later video\'s webhook' });
    expect(eventsFor(deleted.id)).toEqual([]);
    expect(eventsFor(stalled.id)).toEqual([]);
  });
});

describe('without a webhook URL', () => {
  it('sends nothing and counts no events', async () => {
    const quiet = await startEmulator({ renderMs: 10 });
    try {
      const video = await jsonOf<{ id: string }>(await rawRequest(quiet, '/videos', { method: 'POST', json: { prompt: 'no hooks' } }));
      await waitFor(async () => (await jsonOf<{ status: string }>(await rawRequest(quiet, `/videos/${video.id}`))).status === 'completed', { what: 'completion' });
      expect((await quiet.stats()).webhooks).toEqual({ events: 0, attempts: 0, delivered: 0, abandoned: 0 });
    } finally {
      await quiet.close();
    }
  });
});
