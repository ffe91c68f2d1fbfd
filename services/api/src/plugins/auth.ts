// Authentication for /v1: `Authorization: Bearer <API key, or OIDC JWT>` makes the caller `request.user`,
// looked up on every request, so a revoked key or a disabled user is refused at once. Every query below is
// scoped by that user. Then the caller's rate limit applies; a failed attempt counts against its IP.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AuthenticationError } from '@sora-studio/shared';
import { bindCaller, type AuthenticatedUser } from '../auth/authenticated-user.ts';
import { bearerToken, type BearerAuthenticator } from '../auth/bearer-auth.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth plugin on every /v1 route. */
    user: AuthenticatedUser;
  }
}

async function authenticate(request: FastifyRequest, authenticateBearer: BearerAuthenticator): Promise<AuthenticatedUser> {
  const token = bearerToken(request);
  if (!token) {
    throw new AuthenticationError(
      "You didn't provide an API key. Send it in the Authorization header as 'Bearer YOUR_KEY'.",
      { code: 'missing_api_key' },
    );
  }
  return authenticateBearer(token);
}

export const apiKeyAuthPlugin = fp((app: FastifyInstance, opts: { authenticate: BearerAuthenticator }) => {
  app.decorateRequest('user', null as unknown as AuthenticatedUser);
  app.addHook('onRequest', async (request, reply) => {
    let user: AuthenticatedUser;
    try {
      user = await authenticate(request, opts.authenticate);
    } catch (error) {
      // Guessing keys costs the guesser's IP its budget; the 429 then replaces the 401.
      if (error instanceof AuthenticationError) await app.limitRequest(request, reply, null);
      throw error;
    }
    request.user = user;
    bindCaller(request, reply, user);
    await app.limitRequest(request, reply, user);
  });
}, { name: 'api-key-auth', dependencies: ['rate-limit'] });
