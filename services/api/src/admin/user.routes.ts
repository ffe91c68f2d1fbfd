import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  CreateUserBodySchema, ListUsersQuerySchema, UpdateUserBodySchema, UserIdParamsSchema, UserListSchema, UserObjectSchema,
} from '@sora-studio/shared';
import { ADMIN_KEY_SECURITY, ERROR_RESPONSES } from '../plugins/swagger.ts';
import type { UserService } from './user.service.ts';

export const userRoutes: FastifyPluginAsyncZod<{ users: UserService }> = async (app, { users }) => {
  const common = { tags: ['admin'], security: ADMIN_KEY_SECURITY };

  app.post('/users', {
    schema: { ...common, summary: 'Create a user', body: CreateUserBodySchema, response: { 201: UserObjectSchema, ...ERROR_RESPONSES } },
  }, async (request, reply) => reply.code(201).send(await users.create(request.adminActor, request.body)));

  app.get('/users', {
    schema: { ...common, summary: 'List users', querystring: ListUsersQuerySchema, response: { 200: UserListSchema, ...ERROR_RESPONSES } },
  }, async (request) => users.list(request.query));

  app.get('/users/:user_id', {
    schema: { ...common, summary: 'Retrieve a user', params: UserIdParamsSchema, response: { 200: UserObjectSchema, ...ERROR_RESPONSES } },
  }, async (request) => users.retrieve(request.params.user_id));

  app.patch('/users/:user_id', {
    schema: {
      ...common,
      summary: 'Disable or enable a user, or change its role, rate limit, in-flight cap or OIDC subject',
      description: 'Only the fields given change; `null` returns a limit to its default from config. A disabled user\'s keys and tokens answer 401 from the next request on. Each change is written to the audit log.',
      params: UserIdParamsSchema,
      body: UpdateUserBodySchema,
      response: { 200: UserObjectSchema, ...ERROR_RESPONSES },
    },
  }, async (request) => users.update(request.adminActor, request.params.user_id, request.body));
};
