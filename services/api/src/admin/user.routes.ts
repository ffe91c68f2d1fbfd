import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CreateUserBodySchema, ListUsersQuerySchema, UserListSchema, UserObjectSchema } from '@sora-studio/shared';
import { ADMIN_KEY_SECURITY, ERROR_RESPONSES } from '../plugins/swagger.ts';
import type { UserService } from './user.service.ts';

export const userRoutes: FastifyPluginAsyncZod<{ users: UserService }> = async (app, { users }) => {
  const common = { tags: ['admin'], security: ADMIN_KEY_SECURITY };

  app.post('/users', {
    schema: { ...common, summary: 'Create a user', body: CreateUserBodySchema, response: { 201: UserObjectSchema, ...ERROR_RESPONSES } },
  }, async (request, reply) => reply.code(201).send(await users.create(request.body)));

  app.get('/users', {
    schema: { ...common, summary: 'List users', querystring: ListUsersQuerySchema, response: { 200: UserListSchema, ...ERROR_RESPONSES } },
  }, async (request) => users.list(request.query));
};
