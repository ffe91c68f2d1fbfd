// An endpoint's signing secret as Standard Webhooks writes it: `whsec_` + base64 of 32 random bytes (the
// spec asks for 24–64). The hint names the secret in lists without giving any useful part of it away.
import { randomBytes } from 'node:crypto';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = 32;
/** Characters of the secret's end shown in the hint: 24 of its 256 bits. */
const HINT_CHARS = 4;

export function webhookSecretHint(secret: string): string {
  return `${WEBHOOK_SECRET_PREFIX}…${secret.slice(-HINT_CHARS)}`;
}

export function newWebhookSecret(): { secret: string; hint: string } {
  const secret = `${WEBHOOK_SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;
  return { secret, hint: webhookSecretHint(secret) };
}
