// `Authorization: Bearer <key>`: any non-empty key, or exactly the configured one (then on every route, see app.ts).
import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthenticationError } from '@sora-studio/shared';
import type { onRequestHookHandler } from 'fastify';

const BEARER = /^Bearer\s+(\S.*)$/i;

export function requireBearer(apiKey: string | undefined): onRequestHookHandler {
  const expected = apiKey === undefined ? undefined : digest(apiKey);
  return (request, _reply, done) => {
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1]?.trim();
    if (!token) {
      done(new AuthenticationError(
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        { code: 'missing_api_key' },
      ));
    } else if (expected && !timingSafeEqual(digest(token), expected)) {
      done(new AuthenticationError('Incorrect API key provided.', { code: 'invalid_api_key' }));
    } else {
      done();
    }
  };
}

/** Equal-length digests, so the comparison takes the same time whatever the key. */
function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}
