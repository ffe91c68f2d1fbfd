// A signed-in user's own API keys under /v1 (with a key or the session cookie): create (the key shown once),
// list, revoke. Another user's key id is a 404, never a 403, so ids tell nobody anything.
// Revoking the key the current session was made with is allowed and ends that session now: session.service
// refuses a session whose key is revoked from the next request on anyway, so the answer clears the cookie and
// signs the session out, which also closes its event streams (GET /v1/events) in this process at once.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ApiKeyCreatedSchema, ApiKeyIdParamsSchema, ApiKeyListSchema, ApiKeyRevokedSchema, CreateApiKeyBodySchema } from '@sora-studio/shared';
import { API_KEY_SECURITY, ERROR_RESPONSES } from '../plugins/swagger.ts';
import { clearSessionCookie, type CookieConfig } from '../sessions/session-cookie.ts';
import type { SessionService } from '../sessions/session.service.ts';
import type { ApiKeyService } from './api-key.service.ts';

export interface ApiKeyRoutesOptions {
  apiKeys: ApiKeyService;
  sessions: SessionService;
  cookies: CookieConfig;
}

export const apiKeyRoutes: FastifyPluginAsyncZod<ApiKeyRoutesOptions> = async (app, { apiKeys, sessions, cookies }) => {
  const common = { tags: ['api_keys'], security: API_KEY_SECURITY };

  app.post('/api_keys', {
    schema: {
      ...common,
      summary: 'Create an API key for yourself; the key is in this response only',
      // An empty body (no Content-Type) is a key with the default name, as on the admin route.
      body: CreateApiKeyBodySchema.nullish(),
      response: { 201: ApiKeyCreatedSchema, ...ERROR_RESPONSES },
    },
  }, async (request, reply) => {
    return reply.code(201).send(await apiKeys.create(request.user.id, request.user.id, request.body?.name));
  });

  app.get('/api_keys', {
    schema: {
      ...common,
      summary: 'List your API keys',
      description: 'Newest first, revoked ones included (with `revoked_at`). Only the prefix of each key is shown.',
      response: { 200: ApiKeyListSchema, ...ERROR_RESPONSES },
    },
  }, async (request) => apiKeys.listOwn(request.user.id));

  app.delete('/api_keys/:key_id', {
    schema: {
      ...common,
      summary: 'Revoke one of your API keys',
      description: 'Requests with the key are refused from now on, and so are browser sessions signed in with it. Revoking the key the current session was made with signs that session out (the cookie is cleared).',
      params: ApiKeyIdParamsSchema,
      response: { 200: ApiKeyRevokedSchema, ...ERROR_RESPONSES },
    },
  }, async (request, reply) => {
    const revoked = await apiKeys.revokeOwn(request.user.id, request.params.key_id);
    const { session } = request;
    if (session && session.user.credential.kind === 'api_key' && session.user.credential.apiKeyId === revoked.id) {
      await sessions.signOut(session);
      clearSessionCookie(request, reply, cookies);
    }
    return revoked;
  });
};
