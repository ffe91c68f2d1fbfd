// The API as a Fastify instance that does not listen yet: server.ts listens, tests inject or listen on a
// random port. Every dependency comes in through `deps`; every plugin and route is registered here.
import Fastify, { LogController } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import type { Config, Db, Logger, Storage, VideoQueues } from '@sora-studio/shared';
import { apiKeyRoutes } from './admin/api-key.routes.ts';
import { createApiKeyService } from './admin/api-key.service.ts';
import { userRoutes } from './admin/user.routes.ts';
import { createUserService } from './admin/user.service.ts';
import { healthRoutes, PROBE_PATHS } from './health/health.routes.ts';
import { adminAuthPlugin } from './plugins/admin-auth.ts';
import { apiKeyAuthPlugin } from './plugins/auth.ts';
import { bullBoardPlugin } from './plugins/bull-board.ts';
import { errorHandlerPlugin, sendError } from './plugins/error-handler.ts';
import { requestIdOf, requestIdPlugin } from './plugins/request-id.ts';
import { swaggerPlugin } from './plugins/swagger.ts';
import { videoContentRoutes } from './videos/video-content.routes.ts';
import { createVideoContentService } from './videos/video-content.service.ts';
import { multipartPlugin } from './videos/video-multipart.ts';
import { videoRoutes } from './videos/video.routes.ts';
import { createVideoService } from './videos/video.service.ts';

export interface AppDeps {
  config: Config;
  db: Db;
  /** Only for the readiness PING; the queues hold their own connection. */
  redis: Redis;
  queues: VideoQueues;
  storage: Storage;
  logger: Logger;
}

/** A JSON body may carry an upload-sized image inline as a base64 data URL, plus the rest of the request. */
export function jsonBodyLimit(config: Config): number {
  return Math.ceil(config.MAX_UPLOAD_BYTES * 4 / 3) + 64 * 1024;
}

export function buildApp(deps: AppDeps) {
  const { config, db, redis, queues, storage } = deps;
  const bodyLimit = jsonBodyLimit(config);
  const app = Fastify({
    loggerInstance: deps.logger,
    genReqId: requestIdOf,
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: (request) => PROBE_PATHS.has(request.url) }),
    bodyLimit,
    frameworkErrors: (error, request, reply) => { sendError(error, request, reply); },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON (built in) and multipart forms (per route) only; anything else is a 415.
  app.removeContentTypeParser('text/plain');

  app.register(requestIdPlugin);
  app.register(errorHandlerPlugin);
  app.register(swaggerPlugin);

  app.register(healthRoutes, { db, redis });

  app.register(async (v1) => {
    await v1.register(multipartPlugin);
    await v1.register(apiKeyAuthPlugin, { db });
    await v1.register(videoRoutes, {
      videos: createVideoService({ config, db, queues, storage }),
      upload: { maxFileBytes: config.MAX_UPLOAD_BYTES, maxFieldBytes: bodyLimit },
    });
    await v1.register(videoContentRoutes, { content: createVideoContentService({ db, storage }) });
  }, { prefix: '/v1' });

  app.register(async (admin) => {
    await admin.register(adminAuthPlugin, { adminApiKey: config.ADMIN_API_KEY });
    await admin.register(userRoutes, { users: createUserService({ db }) });
    await admin.register(apiKeyRoutes, { apiKeys: createApiKeyService({ db }) });
  }, { prefix: '/admin' });

  app.register(bullBoardPlugin, { queues, adminApiKey: config.ADMIN_API_KEY });

  return app;
}

export type App = ReturnType<typeof buildApp>;
