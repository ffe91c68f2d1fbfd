// Standard Webhooks (https://www.standardwebhooks.com) signing and verifying, through the `standardwebhooks`
// package so our signatures are byte-for-byte what every receiver library (OpenAI's SDK included) checks:
// `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` under the secret's bytes (`whsec_` + base64).
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

export { WebhookVerificationError };

export interface WebhookMessage {
  /** The event id: the same `webhook-id` on every attempt, so a receiver can drop duplicates. */
  id: string;
  /** Unix seconds of this attempt (fresh each attempt: receivers refuse old ones). */
  timestamp: number;
  body: string;
}

/** The library's own replay window; it refuses older (or later) timestamps whatever we ask. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * The `webhook-signature` header value: one `v1,<b64>` per secret, space-separated, so while a rotated
 * secret overlaps the new one a receiver holding either verifies.
 */
export function signWebhook(msg: WebhookMessage, secrets: readonly string[]): string {
  if (secrets.length === 0) throw new Error('signWebhook needs at least one secret');
  const at = new Date(msg.timestamp * 1000);
  return secrets.map((secret) => new Webhook(secret).sign(msg.id, at, msg.body)).join(' ');
}

/** The three Standard Webhooks headers plus the content type, for one attempt. */
export function webhookHeaders(msg: WebhookMessage, secrets: readonly string[]): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': msg.id,
    'webhook-timestamp': String(msg.timestamp),
    'webhook-signature': signWebhook(msg, secrets),
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Checks a received webhook and returns its parsed JSON body (undefined when the signed body is not JSON). Throws WebhookVerificationError on a missing
 * header, a bad signature, or a timestamp more than `toleranceSeconds` (at most 300, the library's window)
 * away from now.
 */
export function verifyWebhook(
  body: string,
  headers: Record<string, string | string[] | undefined>,
  secret: string,
  toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS,
): unknown {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const single = headerValue(value);
    if (single !== undefined) flat[name.toLowerCase()] = single;
  }
  let payload: unknown;
  try {
    payload = new Webhook(secret).verify(body, flat);
  } catch (error) {
    // The library parses the body only once the signature matched, so a SyntaxError is a signed body that is
    // not JSON: the sender's mistake, not a forgery. The caller's schema refuses `undefined` as not an event.
    if (!(error instanceof SyntaxError)) throw error;
    payload = undefined;
  }
  const timestamp = Number(flat['webhook-timestamp']);
  if (Math.abs(Date.now() / 1000 - timestamp) > toleranceSeconds) {
    throw new WebhookVerificationError('Message timestamp outside the tolerance');
  }
  return payload;
}
