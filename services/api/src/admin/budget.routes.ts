import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { BudgetListSchema, UpdateBudgetsBodySchema, UserIdParamsSchema } from '@sora-studio/shared';
import { ADMIN_KEY_SECURITY, ERROR_RESPONSES } from '../plugins/swagger.ts';
import type { BudgetService } from './budget.service.ts';

export const budgetRoutes: FastifyPluginAsyncZod<{ budgets: BudgetService }> = async (app, { budgets }) => {
  const common = { tags: ['admin'], security: ADMIN_KEY_SECURITY, params: UserIdParamsSchema };

  app.get('/users/:user_id/budgets', {
    schema: { ...common, summary: "A user's budgets and where they stand this period", response: { 200: BudgetListSchema, ...ERROR_RESPONSES } },
  }, async (request) => budgets.list(request.params.user_id));

  app.patch('/users/:user_id/budgets', {
    schema: {
      ...common,
      summary: "Set or remove a user's monthly, daily and per-model limits",
      description: 'Each entry names a period (`month` or `day`, UTC) and a model (null: every model) and sets `limit_micros`, or removes the budget with `null` (no limit). A new limit applies to the next submit at once; each change is written to the audit log.',
      body: UpdateBudgetsBodySchema,
      response: { 200: BudgetListSchema, ...ERROR_RESPONSES },
    },
  }, async (request) => budgets.update(request.adminActor, request.params.user_id, request.body));
};
