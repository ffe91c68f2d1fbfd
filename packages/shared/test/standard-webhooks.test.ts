// Our signatures against the spec's own example and the standardwebhooks library's verifier; the retry
// schedule's parser; the event envelope built from an outbox row.
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { loadConfig, signWebhook, verifyWebhook, videoEventData, webhookEventBody, webhookHeaders } from '../src/index.ts';

// The example of the Standard Webhooks specification (github.com/standard-webhooks/standard-webhooks, spec).
const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('signWebhook / verifyWebhook', () => {
  it('produces the specification\'s example signature', () => {
    expect(signWebhook(SPEC, [SPEC.secret])).toBe(SPEC.signature);
  });

  it('signs once per secret, space-separated, and each secret verifies', () => {
    const other = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const msg = { id: 'evt_1', timestamp: Math.floor(Date.now() / 1000), body: '{"a":1}' };
    const headers = webhookHeaders(msg, [SPEC.secret, other]);
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    for (const secret of [SPEC.secret, other]) {
      expect(verifyWebhook(msg.body, headers, secret)).toEqual({ a: 1 });
      expect(new Webhook(secret).verify(msg.body, headers)).toEqual({ a: 1 });
    }
  });

  it('answers undefined for a signed body that is not JSON, so the caller refuses it as not an event rather than as forged', () => {
    const msg = { id: 'evt_2', timestamp: Math.floor(Date.now() / 1000), body: 'garbage' };
    expect(verifyWebhook(msg.body, webhookHeaders(msg, [SPEC.secret]), SPEC.secret)).toBeUndefined();
    const other = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    expect(() => verifyWebhook(msg.body, webhookHeaders(msg, [other]), SPEC.secret)).toThrow();
  });

  it('refuses a changed body, a wrong secret and an old timestamp', () => {
    const msg = { id: 'evt_2', timestamp: Math.floor(Date.now() / 1000), body: '{"a":1}' };
    const headers = webhookHeaders(msg, [SPEC.secret]);
    expect(() => verifyWebhook('{"a":2}', headers, SPEC.secret)).toThrow();
    expect(() => verifyWebhook(msg.body, headers, `whsec_${Buffer.alloc(32, 1).toString('base64')}`)).toThrow();
    const old = { ...msg, timestamp: msg.timestamp - 600 };
    expect(() => verifyWebhook(old.body, webhookHeaders(old, [SPEC.secret]), SPEC.secret)).toThrow(/timestamp/i);
    const minuteOld = { ...msg, timestamp: msg.timestamp - 60 };
    expect(() => verifyWebhook(minuteOld.body, webhookHeaders(minuteOld, [SPEC.secret]), SPEC.secret, 30)).toThrow(/tolerance/);
  });
});

describe('WEBHOOK_RETRY_SCHEDULE', () => {
  it('defaults to 0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h', () => {
    expect(loadConfig({}).WEBHOOK_RETRY_SCHEDULE).toEqual([0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
  });

  it('takes ms, s, m, h, d and bare milliseconds, and names the variable when wrong', () => {
    expect(loadConfig({ WEBHOOK_RETRY_SCHEDULE: '0, 250ms,2s,1m,1h,1d,40' }).WEBHOOK_RETRY_SCHEDULE).toEqual([0, 250, 2_000, 60_000, 3_600_000, 86_400_000, 40]);
    expect(() => loadConfig({ WEBHOOK_RETRY_SCHEDULE: '0,5 minutes' })).toThrow(/WEBHOOK_RETRY_SCHEDULE/);
  });
});

describe('the event envelope', () => {
  it('is OpenAI\'s `{id, object, created_at, type, data: {id}}`, with the typed payload kept', () => {
    const data = videoEventData({
      videoId: 'video_1', type: 'video.failed', toStatus: 'failed',
      data: { reserved_micros: 5, settled_micros: 0, released_micros: 5, code: 'moderation_blocked', message: 'blocked' },
    });
    const body = JSON.parse(webhookEventBody({ id: 'evt_9', type: 'video.failed', createdAt: new Date(1_700_000_000_500), data }));
    expect(body).toEqual({
      id: 'evt_9', object: 'event', created_at: 1_700_000_000, type: 'video.failed',
      data: { id: 'video_1', object: 'video', status: 'failed', reserved_micros: 5, settled_micros: 0, released_micros: 5, code: 'moderation_blocked', message: 'blocked' },
    });
  });
});
