// GET /v1/usage: the caller's own money for a UTC day or month, and where their budgets stand.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { UsageObjectSchema, UsageQuerySchema } from '@sora-studio/shared';
import { callerOf } from '../caller-context.ts';
import { API_KEY_SECURITY, ERROR_RESPONSES } from '../plugins/swagger.ts';
import type { UsageService } from './usage.service.ts';

export const usageRoutes: FastifyPluginAsyncZod<{ usage: UsageService }> = async (app, { usage }) => {
  app.get('/usage', {
    schema: {
      tags: ['usage'],
      security: API_KEY_SECURITY,
      summary: 'Your usage for a period: settled and reserved money by day and by model, and your budgets',
      description: '`period` is `month` (default) or `day`, in UTC; `start` is any instant in it (unix seconds), now by default. A video counts in the period it was created in, as it does for the budgets.',
      querystring: UsageQuerySchema,
      response: { 200: UsageObjectSchema, ...ERROR_RESPONSES },
    },
  }, async (request) => usage.forCaller(callerOf(request), request.query));
};
