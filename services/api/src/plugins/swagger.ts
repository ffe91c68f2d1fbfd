// The OpenAPI 3.1 document, generated from the same zod schemas that validate requests, at /openapi.json,
// with Swagger UI at /docs.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { ErrorBodySchema } from '@sora-studio/shared';

/** Every route can fail in OpenAI's error shape; listing it keeps the document honest. */
export const ERROR_RESPONSES = { '4xx': ErrorBodySchema, '5xx': ErrorBodySchema } as const;

export const API_KEY_SECURITY = [{ apiKey: [] }];
export const ADMIN_KEY_SECURITY = [{ adminKey: [] }];

export const swaggerPlugin = fp(async (app: FastifyInstance) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Sora Studio API',
        version: '0.1.0',
        description: 'Self-hosted video generation jobs, speaking the OpenAI Videos API. Errors use OpenAI\'s `{error:{message,type,param,code}}` shape.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'A user API key (`sk_…`), or an OIDC token (JWT) when OIDC is configured.' },
          adminKey: { type: 'http', scheme: 'bearer', description: 'The ADMIN_API_KEY of the deployment, or the API key or OIDC token of a user with role admin.' },
        },
      },
      tags: [
        { name: 'videos', description: 'OpenAI-compatible video generation' },
        { name: 'usage', description: 'Your spending, reservations and budgets' },
        { name: 'webhooks', description: 'OpenAI-compatible webhook endpoints, and their deliveries' },
        { name: 'sessions', description: 'Browser sign-in: the session cookie (API key or OIDC), CSRF token, sign-out' },
        { name: 'models', description: 'The models this server renders, their sizes, prices and durations' },
        { name: 'api_keys', description: 'Your own API keys: create, list, revoke' },
        { name: 'admin', description: 'Users and API keys' },
        { name: 'health', description: 'Liveness and readiness' },
      ],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}, { name: 'swagger' });
