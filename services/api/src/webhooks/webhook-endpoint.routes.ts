// OpenAI's webhook endpoints API under /v1, so `client.webhooks.*` of the openai SDK works unchanged:
// create, retrieve, update, list, delete, rotate_secret, and the event types. HTTP only.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  CreateWebhookEndpointBodySchema, ListWebhookEndpointsQuerySchema, RotateWebhookSecretBodySchema, UpdateWebhookEndpointBodySchema,
  WebhookEndpointDeletedSchema, WebhookEndpointIdParamsSchema, WebhookEndpointListSchema, WebhookEndpointObjectSchema,
  WebhookEndpointWithSecretSchema, WebhookEventTypeListSchema,
} from '@sora-studio/shared';
import { callerOf } from '../caller-context.ts';
import { API_KEY_SECURITY, ERROR_RESPONSES } from '../plugins/swagger.ts';
import type { WebhookEndpointService } from './webhook-endpoint.service.ts';

export const webhookEndpointRoutes: FastifyPluginAsyncZod<{ endpoints: WebhookEndpointService }> = async (app, { endpoints }) => {
  const common = { tags: ['webhooks'], security: API_KEY_SECURITY };
  const params = WebhookEndpointIdParamsSchema;

  app.post('/webhook_endpoints', {
    config: { idempotent: true },
    schema: {
      ...common,
      summary: 'Create a webhook endpoint',
      description: 'The answer carries `signing_secret` (`whsec_…`), shown only here and on rotation: keep it to verify deliveries. The URL must be https and resolve to a public address (see WEBHOOK_ALLOW_HTTP and WEBHOOK_ALLOWED_CIDRS).',
      body: CreateWebhookEndpointBodySchema,
      response: { 200: WebhookEndpointWithSecretSchema, ...ERROR_RESPONSES },
    },
  }, async (request) => endpoints.create(callerOf(request), request.body, request.idempotency));

  app.get('/webhook_endpoints', {
    schema: {
      ...common,
      summary: 'List webhook endpoints',
      description: 'Newest first by default; page with `after` = the previous page\'s `last_id`.',
      querystring: ListWebhookEndpointsQuerySchema,
      response: { 200: WebhookEndpointListSchema, ...ERROR_RESPONSES },
    },
  }, async (request) => endpoints.list(callerOf(request), request.query));

  app.get('/webhook_endpoints/:webhook_endpoint_id', {
    schema: { ...common, summary: 'Retrieve a webhook endpoint', params, response: { 200: WebhookEndpointObjectSchema, ...ERROR_RESPONSES } },
  }, async (request) => endpoints.retrieve(callerOf(request), request.params.webhook_endpoint_id));

  app.post('/webhook_endpoints/:webhook_endpoint_id', {
    schema: {
      ...common,
      summary: 'Update a webhook endpoint',
      description: 'Any of `name`, `url`, `event_types` (the complete new list); fields not given keep their value. `updated_at` moves only when something changes.',
      params,
      body: UpdateWebhookEndpointBodySchema,
      response: { 200: WebhookEndpointObjectSchema, ...ERROR_RESPONSES },
    },
  }, async (request) => endpoints.update(callerOf(request), request.params.webhook_endpoint_id, request.body));

  app.delete('/webhook_endpoints/:webhook_endpoint_id', {
    schema: {
      ...common,
      summary: 'Delete a webhook endpoint',
      description: 'It receives nothing from now on and its secrets stop signing; its delivery log is kept.',
      params,
      response: { 200: WebhookEndpointDeletedSchema, ...ERROR_RESPONSES },
    },
  }, async (request) => endpoints.delete(callerOf(request), request.params.webhook_endpoint_id));

  app.post('/webhook_endpoints/:webhook_endpoint_id/rotate_secret', {
    schema: {
      ...common,
      summary: 'Rotate a webhook endpoint\'s signing secret',
      description: 'Answers with the new `signing_secret`. With `keep_old_secret_active_for_24_hours: true` deliveries carry a signature for the old secret too for 24 h; otherwise the old one stops at once.',
      params,
      body: RotateWebhookSecretBodySchema,
      response: { 200: WebhookEndpointWithSecretSchema, ...ERROR_RESPONSES },
    },
  }, async (request) => endpoints.rotateSecret(callerOf(request), request.params.webhook_endpoint_id, request.body));

  app.get('/webhook_event_types', {
    schema: { ...common, summary: 'List the webhook event types', response: { 200: WebhookEventTypeListSchema, ...ERROR_RESPONSES } },
  }, async () => endpoints.eventTypes());
};
