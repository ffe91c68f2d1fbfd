// The delivery side of /v1/webhook_endpoints: send a test event now (`client.webhooks.test` of the openai
// SDK), the delivery log of an endpoint (every attempt, newest first) and redelivery of one delivery.
// Owner-scoped: another user's endpoint is a 404, like a missing one.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ListWebhookDeliveriesQuerySchema, TestWebhookEndpointBodySchema, WebhookDeliveryAttemptListSchema, WebhookDeliveryObjectSchema,
  WebhookDeliveryParamsSchema, WebhookEndpointIdParamsSchema, WebhookEndpointTestResultSchema,
} from '@sora-studio/shared';
import { callerOf } from '../caller-context.ts';
import { API_KEY_SECURITY, ERROR_RESPONSES } from '../plugins/swagger.ts';
import type { WebhookDeliveryService } from './webhook-delivery.service.ts';

export const webhookDeliveryRoutes: FastifyPluginAsyncZod<{ deliveries: WebhookDeliveryService }> = async (app, { deliveries }) => {
  const common = { tags: ['webhooks'], security: API_KEY_SECURITY };

  app.post('/webhook_endpoints/:webhook_endpoint_id/test', {
    schema: {
      ...common,
      summary: 'Send a test event to a webhook endpoint',
      description: 'Sends a sample event of `event_type` now, signed like every delivery, and answers what the receiver answered in `status_code` (a non-2xx answer is still a completed test). No answer at all (refused, timed out, URL refused) is a 400 `webhook_test_failed`.',
      params: WebhookEndpointIdParamsSchema,
      body: TestWebhookEndpointBodySchema,
      response: { 200: WebhookEndpointTestResultSchema, ...ERROR_RESPONSES },
    },
  }, async (request) => deliveries.sendTest(callerOf(request), request.params.webhook_endpoint_id, request.body.event_type));

  app.get('/webhook_endpoints/:webhook_endpoint_id/deliveries', {
    schema: {
      ...common,
      summary: 'List a webhook endpoint\'s delivery attempts',
      description: 'Every attempt of every delivery to this endpoint, newest first: when, what the receiver answered (status, the start of its body) or why there was no answer. Page with `after` = the previous page\'s `last_id`.',
      params: WebhookEndpointIdParamsSchema,
      querystring: ListWebhookDeliveriesQuerySchema,
      response: { 200: WebhookDeliveryAttemptListSchema, ...ERROR_RESPONSES },
    },
  }, async (request) => deliveries.listAttempts(callerOf(request), request.params.webhook_endpoint_id, request.query));

  app.post('/webhook_endpoints/:webhook_endpoint_id/deliveries/:delivery_id/redeliver', {
    schema: {
      ...common,
      summary: 'Redeliver an event to a webhook endpoint',
      description: 'Queues a new attempt now with the same `webhook-id`; a failed or discarded delivery goes back to pending with a fresh retry schedule. A disabled endpoint answers 409 `webhook_endpoint_disabled`.',
      params: WebhookDeliveryParamsSchema,
      response: { 200: WebhookDeliveryObjectSchema, ...ERROR_RESPONSES },
    },
  }, async (request) => deliveries.redeliver(callerOf(request), request.params.webhook_endpoint_id, request.params.delivery_id));
};
