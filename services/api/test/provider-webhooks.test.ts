// POST /v1/provider/webhooks: a Standard Webhooks message signed with PROVIDER_WEBHOOK_SECRET wakes the job of
// the video it names (a delayed job is promoted); a bad signature, an old timestamp, a replayed webhook-id, an
// unknown video and an unconfigured server each answer as documented, in OpenAI's error shape, with no effect.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADVANCE_VIDEO_JOB, advanceVideoJobOptions, ErrorBodySchema, newId, signWebhook } from '@sora-studio/shared';
import { call, expectApiError, startApi, twinApp, type ApiHarness } from './api-harness.ts';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const WRONG_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const HOUR_MS = 3_600_000;

let api: ApiHarness;
let apiKey: string;

beforeAll(async () => {
  api = await startApi('api_provider_webhooks', { PROVIDER_WEBHOOK_SECRET: SECRET });
  apiKey = (await api.newUser()).apiKey;
});
afterAll(async () => { await api?.close(); });

/** A video at the provider whose job waits an hour for its next poll, as the worker leaves it between polls. */
async function videoWaitingForPoll(): Promise<{ id: string; providerVideoId: string }> {
  const created = await call(api, 'POST', '/v1/videos', { key: apiKey, json: { prompt: 'a harbour at night' } });
  expect(created.status).toBe(200);
  const id = created.body.id as string;
  const providerVideoId = `video_${randomBytes(24).toString('hex')}`;
  await api.db.updateTable('videos').set({ status: 'in_progress', providerVideoId, providerStatus: 'in_progress' }).where('id', '=', id).execute();
  await (await api.queues.pipeline.getJob(id))?.remove();
  await api.queues.pipeline.add(ADVANCE_VIDEO_JOB, { videoId: id, requestId: null }, { ...advanceVideoJobOptions(id), delay: HOUR_MS });
  expect(await jobState(id)).toBe('delayed');
  return { id, providerVideoId };
}

async function jobState(videoId: string): Promise<string | undefined> {
  return (await api.queues.pipeline.getJob(videoId))?.getState();
}

interface Message {
  webhookId?: string;
  timestamp?: number;
  secret?: string;
  type?: string;
  providerVideoId: string;
}

function providerEvent(message: Message): { body: string; headers: Record<string, string> } {
  const webhookId = message.webhookId ?? newId('evt');
  const timestamp = message.timestamp ?? Math.floor(Date.now() / 1000);
  const body = JSON.stringify({ id: webhookId, object: 'event', created_at: timestamp, type: message.type ?? 'video.completed', data: { id: message.providerVideoId } });
  const signature = signWebhook({ id: webhookId, timestamp, body }, [message.secret ?? SECRET]);
  return { body, headers: { 'content-type': 'application/json', 'webhook-id': webhookId, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature } };
}

function deliver(message: Message) {
  return call(api, 'POST', '/v1/provider/webhooks', providerEvent(message));
}

describe('POST /v1/provider/webhooks', () => {
  it('wakes the delayed job of the video a signed video.completed names, without an API key', async () => {
    const video = await videoWaitingForPoll();
    const answer = await deliver({ providerVideoId: video.providerVideoId });
    expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: { received: true } });
    expect(await jobState(video.id)).toBe('waiting');
    expect(api.logLines.some((line) => line.msg === 'provider webhook received' && line.outcome === 'woken' && line.providerVideoId === video.providerVideoId)).toBe(true);
  });

  it('wakes the job on video.failed too', async () => {
    const video = await videoWaitingForPoll();
    expect((await deliver({ providerVideoId: video.providerVideoId, type: 'video.failed' })).status).toBe(200);
    expect(await jobState(video.id)).toBe('waiting');
  });

  it('answers a replayed webhook-id 200 and does nothing with it', async () => {
    const first = await videoWaitingForPoll();
    const second = await videoWaitingForPoll();
    const webhookId = newId('evt');
    const original = providerEvent({ webhookId, providerVideoId: first.providerVideoId });
    expect((await call(api, 'POST', '/v1/provider/webhooks', original)).status).toBe(200);
    // The very same message again, then a validly signed one reusing the id for another video.
    expect((await call(api, 'POST', '/v1/provider/webhooks', original)).body).toEqual({ received: true });
    expect((await deliver({ webhookId, providerVideoId: second.providerVideoId })).status).toBe(200);
    expect(await jobState(second.id)).toBe('delayed');
    expect(api.logLines.filter((line) => line.msg === 'provider webhook already received' && line.webhookId === webhookId)).toHaveLength(2);
  });

  it('refuses a bad signature with 401, leaving the job alone', async () => {
    const video = await videoWaitingForPoll();
    const answer = await deliver({ providerVideoId: video.providerVideoId, secret: WRONG_SECRET });
    expectApiError(answer, 401, null);
    expect(answer.body.error).toMatchObject({ type: 'authentication_error', code: 'invalid_webhook_signature' });
    expect(await jobState(video.id)).toBe('delayed');
  });

  it('refuses a body changed after signing, and a message without the headers', async () => {
    const video = await videoWaitingForPoll();
    const signed = providerEvent({ providerVideoId: video.providerVideoId });
    const tampered = await call(api, 'POST', '/v1/provider/webhooks', { headers: signed.headers, body: signed.body.replace('video.completed', 'video.failed') });
    expectApiError(tampered, 401, null);
    const unsigned = await call(api, 'POST', '/v1/provider/webhooks', { json: JSON.parse(signed.body) });
    expectApiError(unsigned, 401, null);
    expect(await jobState(video.id)).toBe('delayed');
  });

  it('refuses a timestamp older than 5 minutes with 401, however well signed', async () => {
    const video = await videoWaitingForPoll();
    const answer = await deliver({ providerVideoId: video.providerVideoId, timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expectApiError(answer, 401, null);
    expect(await jobState(video.id)).toBe('delayed');
  });

  it('answers 200 for a provider video it does not know, and logs it', async () => {
    const providerVideoId = `video_${randomBytes(24).toString('hex')}`;
    const answer = await deliver({ providerVideoId });
    expect(answer.status).toBe(200);
    expect(api.logLines.some((line) => line.msg === 'provider webhook received' && line.outcome === 'unknown-video' && line.providerVideoId === providerVideoId)).toBe(true);
  });

  it('acknowledges an event type it does not act on, leaving the job alone', async () => {
    const video = await videoWaitingForPoll();
    expect((await deliver({ providerVideoId: video.providerVideoId, type: 'batch.completed' })).status).toBe(200);
    expect(await jobState(video.id)).toBe('delayed');
  });

  it.each([JSON.stringify({ hello: 'world' }), 'garbage'])('refuses a signed body that is not a provider event with 400: %s', async (body) => {
    const webhookId = newId('evt');
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = { 'content-type': 'application/json', 'webhook-id': webhookId, 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook({ id: webhookId, timestamp, body }, [SECRET]) };
    const answer = await call(api, 'POST', '/v1/provider/webhooks', { headers, body });
    expectApiError(answer, 400, null);
    expect(answer.body.error.code).toBe('invalid_event');
  });

  it('answers 404, as for a path that does not exist, when PROVIDER_WEBHOOK_SECRET is unset', async () => {
    const unconfigured = twinApp(api, { config: { ...api.config, PROVIDER_WEBHOOK_SECRET: undefined } });
    const message = providerEvent({ providerVideoId: 'video_x' });
    const answer = await unconfigured.inject({ method: 'POST', url: '/v1/provider/webhooks', headers: message.headers, payload: message.body });
    await unconfigured.close();
    expect(answer.statusCode).toBe(404);
    expect(answer.json()).toMatchObject({ error: { type: 'not_found_error', code: 'unknown_url' } });
  });
});

describe('POST /v1/provider/webhooks under generated input', () => {
  const text = fc.string({ unit: 'binary', maxLength: 60 });
  const header = fc.oneof(text, fc.constant(undefined));
  const body = fc.oneof(text, fc.json(), fc.constant(''), fc.record({ id: text, object: fc.oneof(fc.constant('event'), text), created_at: fc.oneof(fc.integer(), text), type: fc.oneof(fc.constantFrom('video.completed', 'video.failed'), text), data: fc.oneof(fc.record({ id: text }), fc.json()) }, { requiredKeys: [] }).map((value) => JSON.stringify(value)));
  /** Half are signed correctly over their (odd) body, so the parse after verification is reached too. */
  const message = fc.record({ body, webhookId: header, timestamp: fc.oneof(header, fc.integer().map(String)), signature: header, signed: fc.boolean(), contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded') });

  it('answers 300 generated messages (seed 7) without a 5xx, every error in OpenAI\'s shape with a code', async () => {
    const samples = fc.sample(message, { seed: 7, numRuns: 300 });
    const statuses = new Map<number, number>();
    const defects: string[] = [];
    for (const sample of samples) {
      const webhookId = sample.webhookId ?? newId('evt');
      const timestamp = sample.signed ? String(Math.floor(Date.now() / 1000)) : sample.timestamp;
      const headers: Record<string, string> = { 'content-type': sample.contentType };
      const safe = (value: string) => value.replace(/[^\x20-\x7e]/g, '');
      if (sample.signed) headers['webhook-signature'] = signWebhook({ id: safe(webhookId), timestamp: Number(timestamp), body: sample.body }, [SECRET]);
      else if (sample.signature !== undefined) headers['webhook-signature'] = safe(sample.signature);
      headers['webhook-id'] = safe(webhookId);
      if (timestamp !== undefined) headers['webhook-timestamp'] = safe(timestamp);
      const answer = await call(api, 'POST', '/v1/provider/webhooks', { headers, body: sample.body });
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      if (answer.status >= 500) defects.push(`${answer.status}: ${answer.text.slice(0, 200)}`);
      if (answer.status >= 400) {
        const parsed = ErrorBodySchema.strict().safeParse(answer.body);
        if (!parsed.success || parsed.data.error.code === null) defects.push(`not OpenAI's shape: ${answer.text.slice(0, 200)}`);
      }
    }
    expect(defects.slice(0, 10)).toEqual([]);
    // Both sides of the signature check were reached: refusals, and signed messages taken or refused for their body.
    expect(statuses.get(401) ?? 0).toBeGreaterThan(0);
    expect((statuses.get(200) ?? 0) + (statuses.get(400) ?? 0)).toBeGreaterThan(0);
  });
});
