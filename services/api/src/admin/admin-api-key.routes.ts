import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ApiKeyCreatedSchema, ApiKeyIdParamsSchema, ApiKeyListSchema, ApiKeyRevokedSchema, CreateApiKeyBodySchema, UserIdParamsSchema,
} from '@sora-studio/shared';
import { ADMIN_KEY_SECURITY, ERROR_RESPONSES } from '../plugins/swagger.ts';
import type { ApiKeyService } from '../api-keys/api-key.service.ts';

export const adminApiKeyRoutes: FastifyPluginAsyncZod<{ apiKeys: ApiKeyService }> = async (app, { apiKeys }) => {
  const common = { tags: ['admin'], security: ADMIN_KEY_SECURITY };

  app.post('/users/:user_id/api_keys', {
    schema: {
      ...common,
      summary: 'Create an API key for a user; the key is in this response only',
      params: UserIdParamsSchema,
      // An empty body (no Content-Type) is a key with the default name.
      body: CreateApiKeyBodySchema.nullish(),
      response: { 201: ApiKeyCreatedSchema, ...ERROR_RESPONSES },
    },
  }, async (request, reply) => {
    return reply.code(201).send(await apiKeys.create(request.adminActor, request.params.user_id, request.body?.name));
  });

  app.get('/users/:user_id/api_keys', {
    schema: { ...common, summary: "List a user's API keys", params: UserIdParamsSchema, response: { 200: ApiKeyListSchema, ...ERROR_RESPONSES } },
  }, async (request) => apiKeys.list(request.params.user_id));

  app.delete('/api_keys/:key_id', {
    schema: { ...common, summary: 'Revoke an API key', params: ApiKeyIdParamsSchema, response: { 200: ApiKeyRevokedSchema, ...ERROR_RESPONSES } },
  }, async (request) => apiKeys.revoke(request.adminActor, request.params.key_id));
};
