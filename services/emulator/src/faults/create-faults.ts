// `rate_limit=N` and `server_error=N` fail the first creates of a prompt. Attempts are counted per distinct prompt,
// so a client that retries the same create eventually gets through, exactly as with a real provider's hiccup.
import { createHash } from 'node:crypto';
import type { ErrorBodySchema } from '@sora-studio/shared';
import type { z } from 'zod';
import { BoundedMap } from '../memory/bounded-map.ts';
import type { FaultDirectives } from './fault-directives.ts';

const RETRY_AFTER_SECONDS = 1;
const PROMPTS_REMEMBERED = 100_000;

/** An answer the emulator was told to give instead of doing the work; it is not a defect. */
export class EmulatedFailure extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: z.infer<typeof ErrorBodySchema>;

  constructor(status: number, body: z.infer<typeof ErrorBodySchema>, headers: Record<string, string> = {}) {
    super(body.error.message);
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

export class CreateFaultCounter {
  readonly #attempts = new BoundedMap<string, number>(PROMPTS_REMEMBERED);

  /** Counts a create of `prompt` and throws the failure its directives script for this attempt, if any. */
  countAttempt(prompt: string, directives: FaultDirectives): void {
    const rateLimited = directives.rate_limit ?? 0;
    const failing = directives.server_error ?? 0;
    if (rateLimited + failing === 0) return;

    const key = createHash('sha256').update(prompt).digest('base64url');
    const attempt = (this.#attempts.get(key) ?? 0) + 1;
    this.#attempts.set(key, attempt);
    if (attempt <= rateLimited) throw rateLimitFailure();
    if (attempt <= rateLimited + failing) throw serverFailure();
  }
}

function rateLimitFailure(): EmulatedFailure {
  const message = 'Rate limit reached for requests. Please try again in 1s. (emulated: [[emulator:rate_limit]])';
  return new EmulatedFailure(429, { error: { message, type: 'requests', param: null, code: 'rate_limit_exceeded' } }, {
    'retry-after': String(RETRY_AFTER_SECONDS),
    'retry-after-ms': String(RETRY_AFTER_SECONDS * 1000),
  });
}

function serverFailure(): EmulatedFailure {
  const message = 'The server had an error while processing your request. Sorry about that! (emulated: [[emulator:server_error]])';
  return new EmulatedFailure(500, { error: { message, type: 'server_error', param: null, code: null } });
}
