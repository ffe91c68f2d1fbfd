// OpenAI's model routes under /v1, from the catalogue. HTTP only.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ModelListSchema, ModelObjectSchema, ModelParamsSchema } from '@sora-studio/shared';
import { API_KEY_SECURITY, ERROR_RESPONSES } from '../plugins/swagger.ts';
import type { ModelService } from './model.service.ts';

export const modelRoutes: FastifyPluginAsyncZod<{ models: ModelService }> = async (app, { models }) => {
  const common = { tags: ['models'], security: API_KEY_SECURITY };

  app.get('/models', {
    schema: {
      ...common,
      summary: 'List the models this server renders',
      description: 'OpenAI\'s model list; each model also has its sizes with their price per second (micro-dollars), the durations it accepts, its defaults, and whether a create without `model` gets it. `created` is 0: the catalogue carries no dates.',
      response: { 200: ModelListSchema, ...ERROR_RESPONSES },
    },
  }, async () => models.list());

  app.get('/models/:model', {
    schema: { ...common, summary: 'Retrieve a model', params: ModelParamsSchema, response: { 200: ModelObjectSchema, ...ERROR_RESPONSES } },
  }, async (request) => models.retrieve(request.params.model));
};
