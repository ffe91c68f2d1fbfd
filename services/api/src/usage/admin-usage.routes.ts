// GET /admin/usage: every user's money for a period, by model.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AdminUsageSchema, UsageQuerySchema } from '@sora-studio/shared';
import { ADMIN_KEY_SECURITY, ERROR_RESPONSES } from '../plugins/swagger.ts';
import type { UsageService } from './usage.service.ts';

export const adminUsageRoutes: FastifyPluginAsyncZod<{ usage: UsageService }> = async (app, { usage }) => {
  app.get('/usage', {
    schema: {
      tags: ['admin'],
      security: ADMIN_KEY_SECURITY,
      summary: 'Usage across users for a period, by model',
      querystring: UsageQuerySchema,
      response: { 200: AdminUsageSchema, ...ERROR_RESPONSES },
    },
  }, async (request) => usage.acrossUsers(request.query));
};
