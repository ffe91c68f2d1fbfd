// GET /admin/webhook_endpoints: every user's webhook endpoints (deleted ones included, with `deleted_at`),
// `user_id` to narrow to one. HTTP only.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AdminWebhookEndpointListSchema, ListAdminWebhookEndpointsQuerySchema } from '@sora-studio/shared';
import { ADMIN_KEY_SECURITY, ERROR_RESPONSES } from '../plugins/swagger.ts';
import type { WebhookEndpointService } from '../webhooks/webhook-endpoint.service.ts';

export const adminWebhookEndpointRoutes: FastifyPluginAsyncZod<{ endpoints: WebhookEndpointService }> = async (app, { endpoints }) => {
  app.get('/webhook_endpoints', {
    schema: {
      tags: ['admin'],
      security: ADMIN_KEY_SECURITY,
      summary: 'List every user\'s webhook endpoints',
      description: 'Newest first by default, deleted ones included; page with `after`, narrow with `user_id`. Secrets are never shown, only their hints.',
      querystring: ListAdminWebhookEndpointsQuerySchema,
      response: { 200: AdminWebhookEndpointListSchema, ...ERROR_RESPONSES },
    },
  }, async (request) => endpoints.listAll(request.query));
};
