// Idempotency-Key for the routes that opt in with `config: { idempotent: true }`. Once the body is
// validated the key is claimed (or a stored response replayed, with `Idempotent-Replayed: true`); the
// route hands `request.idempotency` to its service, which stores the response in the transaction
// that creates the resource; before any other answer goes out the unfinished claim is released.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { InvalidRequestError } from '@sora-studio/shared';
import { fingerprintRequest } from './idempotency.fingerprint.ts';
import { IDEMPOTENCY_HEADER_NAME, type IdempotencyClaim, type IdempotencyService } from './idempotency.service.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route honours an Idempotency-Key header. */
    idempotent?: boolean;
  }
  interface FastifyRequest {
    /** This request's claim on its Idempotency-Key, when it sent one to an idempotent route. */
    idempotency: IdempotencyClaim | null;
  }
}

/** Stripe's limit; printable ASCII so a key is safe in logs and headers. */
const IdempotencyKeySchema = z.string().min(1).max(255).regex(/^[\x20-\x7e]+$/);

/** How many times the header was sent; `rawHeaders` lists each occurrence (also under fastify.inject). */
function occurrencesOf(request: FastifyRequest, name: string): number {
  const raw = request.raw.rawHeaders;
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) count += 1;
  return count;
}

function idempotencyKeyOf(request: FastifyRequest): string | null {
  const name = IDEMPOTENCY_HEADER_NAME.toLowerCase();
  const given = request.headers[name];
  if (given === undefined) return null;
  // Node joins repeated headers into "a, b", which would pass for one key.
  const occurrences = occurrencesOf(request, name);
  if (occurrences > 1) {
    throw new InvalidRequestError(
      `The ${IDEMPOTENCY_HEADER_NAME} header is given ${occurrences} times: send it once, with one key.`,
      { param: IDEMPOTENCY_HEADER_NAME, code: 'duplicate_idempotency_key' },
    );
  }
  const parsed = IdempotencyKeySchema.safeParse(given);
  if (!parsed.success) {
    throw new InvalidRequestError(
      `Invalid ${IDEMPOTENCY_HEADER_NAME} header: give one key of 1 to 255 printable ASCII characters.`,
      { param: IDEMPOTENCY_HEADER_NAME, code: 'invalid_idempotency_key' },
    );
  }
  return parsed.data;
}

export const idempotencyPlugin = fp((app: FastifyInstance, opts: { idempotency: IdempotencyService }) => {
  app.decorateRequest('idempotency', null);

  app.addHook('preHandler', async (request, reply) => {
    if (!request.routeOptions.config.idempotent) return;
    const key = idempotencyKeyOf(request);
    if (key === null) return;
    const fingerprint = fingerprintRequest({
      method: request.method,
      path: request.url.split('?')[0]!,
      body: request.body,
      file: request.upload,
    });
    const outcome = await opts.idempotency.begin({ userId: request.user.id, key }, fingerprint);
    if (outcome.kind === 'replay') {
      request.log.info({ idempotencyKey: key }, 'replaying the stored response of an idempotent request');
      return reply.code(outcome.status).header('idempotent-replayed', 'true').send(outcome.body);
    }
    request.idempotency = outcome.claim;
  });

  // onSend, not onResponse: the claim is gone before the client reads the answer and retries. A 2xx after the
  // response was recorded means its transaction committed (the route answers only then): nothing to release.
  app.addHook('onSend', async (request, reply, payload) => {
    const committed = request.idempotency?.responseRecorded === true && reply.statusCode < 300;
    if (request.idempotency && !committed) {
      await request.idempotency.release().catch((error: unknown) => {
        request.log.warn({ err: error }, 'could not release an idempotency key; it frees itself once abandoned');
      });
    }
    return payload;
  });
}, { name: 'idempotency' });
