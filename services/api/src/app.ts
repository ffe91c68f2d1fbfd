// The API as a Fastify instance that does not listen yet: server.ts listens, tests inject or listen on a
// random port. Every dependency comes in through `deps`; every plugin and route is registered here.
import cookie from '@fastify/cookie';
import Fastify from 'fastify';
import { serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import { defaultBudgetLimits, LocalStorage, type Config, type Db, type Logger, type Storage, type VideoQueues, type WebhookHostResolver } from '@sora-studio/shared';
import { adminVideoRoutes } from './admin/admin-video.routes.ts';
import { adminWebhookEndpointRoutes } from './admin/admin-webhook-endpoint.routes.ts';
import { createAdminVideoService } from './admin/admin-video.service.ts';
import { adminApiKeyRoutes } from './admin/admin-api-key.routes.ts';
import { budgetRoutes } from './admin/budget.routes.ts';
import { createBudgetService } from './admin/budget.service.ts';
import { ledgerCheckRoutes } from './admin/ledger-check.routes.ts';
import { userRoutes } from './admin/user.routes.ts';
import { createUserService } from './admin/user.service.ts';
import { apiKeyRoutes } from './api-keys/api-key.routes.ts';
import { createApiKeyService } from './api-keys/api-key.service.ts';
import { createApiKeyCache } from './auth/api-key-cache.ts';
import { createAuthEpochs } from './auth/auth-epoch.ts';
import { createBearerAuthenticator } from './auth/bearer-auth.ts';
import { videoEventStreamPlugin } from './events/video-event-stream.plugin.ts';
import type { VideoEventStreamOptions } from './events/video-event-stream.service.ts';
import { signedFileRoutes } from './files/signed-file.routes.ts';
import { createSignedFileService } from './files/signed-file.service.ts';
import { healthRoutes, PROBE_PATHS } from './health/health.routes.ts';
import { AccessLogController } from './http/access-log.ts';
import { answerClientError, refuseConnect } from './http/client-error.ts';
import { hostHeaderPlugin, NODE_HTTP_OPTIONS } from './http/host-header.ts';
import { jsonBodyPlugin } from './http/json-body.ts';
import { drainRequestsOnClose } from './http/request-drain.ts';
import { validatorCompiler } from './http/validator-compiler.ts';
import { modelRoutes } from './models/model.routes.ts';
import { createModelService } from './models/model.service.ts';
import { idempotencyPlugin } from './idempotency/idempotency.plugin.ts';
import { createIdempotencyService } from './idempotency/idempotency.service.ts';
import { adminAuthPlugin } from './plugins/admin-auth.ts';
import { apiKeyAuthPlugin } from './plugins/auth.ts';
import { bullBoardPlugin } from './plugins/bull-board.ts';
import { jsonCompressionPlugin } from './plugins/compression.ts';
import { errorHandlerPlugin, sendError } from './plugins/error-handler.ts';
import { rateLimitPlugin } from './plugins/rate-limit.ts';
import { requestIdOf, requestIdPlugin } from './plugins/request-id.ts';
import { securityHeadersPlugin } from './plugins/security-headers.ts';
import { swaggerPlugin } from './plugins/swagger.ts';
import { providerWebhookRoutes } from './provider-webhooks/provider-webhook.routes.ts';
import { createProviderWebhookService } from './provider-webhooks/provider-webhook.service.ts';
import { videoQuoteRoutes } from './quotes/video-quote.routes.ts';
import { createVideoQuoteService } from './quotes/video-quote.service.ts';
import { oidcLoginRoutes } from './sessions/oidc-login.routes.ts';
import { createOidcLoginService, oidcLoginSettingsOf } from './sessions/oidc-login.service.ts';
import { sessionRoutes, sessionSignInRoutes } from './sessions/session.routes.ts';
import { createSessionService } from './sessions/session.service.ts';
import { createSignInLimit } from './sessions/sign-in-limit.ts';
import { signInMethodsRoutes } from './sessions/sign-in-methods.routes.ts';
import { studioCsp } from './studio/studio-csp.ts';
import { webDistDirOf } from './studio/studio-dist.ts';
import { studioPlugin } from './studio/studio.plugin.ts';
import { adminUsageRoutes } from './usage/admin-usage.routes.ts';
import { usageRoutes } from './usage/usage.routes.ts';
import { createUsageService } from './usage/usage.service.ts';
import { videoCancelRoutes } from './videos/video-cancel.routes.ts';
import { createVideoCancelService } from './videos/video-cancel.service.ts';
import { videoContentUrlRoutes } from './videos/video-content-url.routes.ts';
import { createVideoContentUrlService } from './videos/video-content-url.service.ts';
import { videoContentRoutes } from './videos/video-content.routes.ts';
import { createVideoContentService } from './videos/video-content.service.ts';
import { multipartPlugin } from './videos/video-multipart.ts';
import { videoRoutes } from './videos/video.routes.ts';
import { createVideoService } from './videos/video.service.ts';
import { createVideoStatusCache } from './videos/video-status-cache.ts';
import { videoStatusPrefetchPlugin } from './videos/video-status-prefetch.ts';
import { videoTimelineRoutes } from './videos/video-timeline.routes.ts';
import { createVideoTimelineService } from './videos/video-timeline.service.ts';
import { webhookDeliveryRoutes } from './webhooks/webhook-delivery.routes.ts';
import { createWebhookDeliveryService } from './webhooks/webhook-delivery.service.ts';
import { webhookEndpointRoutes } from './webhooks/webhook-endpoint.routes.ts';
import { createWebhookEndpointService } from './webhooks/webhook-endpoint.service.ts';

export interface AppDeps {
  config: Config;
  db: Db;
  /** Only for the readiness PING; the queues hold their own connection. */
  redis: Redis;
  queues: VideoQueues;
  storage: Storage;
  logger: Logger;
  /** Tests only: a slow or scripted resolver for webhook URLs. */
  webhookHostResolver?: WebhookHostResolver;
  /** Tests only: a short heartbeat, a small per-client queue for GET /v1/events. */
  videoEventStream?: Partial<VideoEventStreamOptions>;
  /** Tests only: how long close() waits for requests in flight (REQUEST_DRAIN_DEADLINE_MS). */
  requestDrainDeadlineMs?: number;
}

/** A JSON body may carry an upload-sized image inline as a base64 data URL, plus the rest of the request. */
export function jsonBodyLimit(config: Config): number {
  return Math.ceil(config.MAX_UPLOAD_BYTES * 4 / 3) + 64 * 1024;
}

/** Node's default limit of the request line and headers together (--max-http-header-size). */
const MAX_URL_BYTES = 16 * 1024;

export function buildApp(deps: AppDeps) {
  const { config, db, redis, queues, storage } = deps;
  const bodyLimit = jsonBodyLimit(config);
  const uploadLimits = { maxFileBytes: config.MAX_UPLOAD_BYTES, maxFieldsBytes: config.MAX_FORM_FIELDS_BYTES };
  const usage = createUsageService({ db });
  // The Redis commands every request makes (rate limit, key-cache check, status cache) on a connection of their
  // own with auto-pipelining: what concurrent requests send in one tick leaves in one write, not one syscall each.
  // The queues keep theirs without it (BullMQ's advice); closed with the app.
  const requestRedis = redis.duplicate({ enableAutoPipelining: true });
  // Its outages are the deps connection's too, and logged there (logRedisOutages); no unhandled 'error' events.
  requestRedis.on('error', () => undefined);
  // API keys' answers and the status read's videos, cached (auth/api-key-cache.ts, videos/video-status-cache.ts).
  const apiKeyCache = createApiKeyCache({ db, epochs: createAuthEpochs({ redis: requestRedis, prefix: config.REDIS_PREFIX, logger: deps.logger }) });
  const statusCache = createVideoStatusCache({ db, redis: requestRedis, prefix: config.REDIS_PREFIX, logger: deps.logger });
  const apiKeys = createApiKeyService({ db, apiKeyCache });
  const webhookEndpoints = createWebhookEndpointService({ config, db, webhookHostResolver: deps.webhookHostResolver });
  const app = Fastify({
    loggerInstance: deps.logger,
    genReqId: requestIdOf,
    logController: new AccessLogController({ requestIdLogLabel: 'requestId', disableRequestLogging: (request) => PROBE_PATHS.has(request.url) }),
    bodyLimit,
    // The id schemas bound path ids and name the parameter; the router's own limit is only the URL's.
    routerOptions: { maxParamLength: MAX_URL_BYTES },
    frameworkErrors: (error, request, reply) => { sendError(error, request, reply); },
    clientErrorHandler: answerClientError,
    http: NODE_HTTP_OPTIONS,
  }).withTypeProvider<ZodTypeProvider>();
  refuseConnect(app.server);
  app.addHook('onClose', async () => { requestRedis.disconnect(); });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON (UTF-8, an empty one being no body) and multipart forms (per route) only; anything else is a 415.
  app.removeContentTypeParser('text/plain');
  app.register(jsonBodyPlugin, { bodyLimit });

  app.register(requestIdPlugin);
  app.register(cookie);
  app.register(hostHeaderPlugin);
  app.register(securityHeadersPlugin);
  app.register(errorHandlerPlugin);
  app.register(swaggerPlugin);

  app.register(healthRoutes, { db, redis });

  // Authentication (API key or OIDC token) and the per-user rate limit it applies, for /v1 and /admin alike.
  const authenticate = createBearerAuthenticator({ db, config, apiKeys: apiKeyCache });
  app.register(rateLimitPlugin, {
    redis: requestRedis,
    prefix: config.REDIS_PREFIX,
    perMinute: { user: config.RATE_LIMIT_USER_PER_MINUTE, admin: config.RATE_LIMIT_ADMIN_PER_MINUTE },
  });

  // Browser sessions: the cookie authenticates /v1 like a key (CSRF-checked); signing in is outside the auth hook.
  const sessions = createSessionService({ db, ttlSeconds: config.SESSION_TTL_SECONDS });
  const cookies = { SESSION_COOKIE_SECURE: config.SESSION_COOKIE_SECURE, PUBLIC_BASE_URL: config.PUBLIC_BASE_URL };
  const signInLimit = createSignInLimit({ redis, prefix: config.REDIS_PREFIX, perMinute: config.SIGN_IN_ATTEMPTS_PER_MINUTE });
  app.register(sessionSignInRoutes, { prefix: '/v1', sessions, cookies, signInLimit });
  const oidcLogin = oidcLoginSettingsOf(config);
  app.register(signInMethodsRoutes, { prefix: '/v1', oidcEnabled: oidcLogin !== null });
  if (oidcLogin) {
    const users = createUserService({ db, defaultBudgets: defaultBudgetLimits(config), apiKeyCache });
    app.register(oidcLoginRoutes, {
      prefix: '/v1',
      cookies,
      signInLimit,
      oidcLogin: createOidcLoginService({ db, redis, prefix: config.REDIS_PREFIX, settings: oidcLogin, sessions, users, logger: deps.logger }),
    });
  }

  // JSON answers over 1 KB are compressed in /v1 and /admin only (plugins/compression.ts says what is left out and why).
  app.register(async (v1) => {
    await v1.register(jsonCompressionPlugin);
    await v1.register(multipartPlugin);
    // Before the auth hook: a status read's cache lookup leaves with the rate limit's script (video-status-prefetch.ts).
    await v1.register(videoStatusPrefetchPlugin, { statusCache });
    await v1.register(apiKeyAuthPlugin, { db, authenticate, apiKeys: apiKeyCache, sessions, cookies });
    await v1.register(sessionRoutes, { sessions, cookies });
    await v1.register(modelRoutes, { models: createModelService({ catalog: config.MODEL_CATALOG }) });
    await v1.register(apiKeyRoutes, { apiKeys, sessions, cookies });
    await v1.register(idempotencyPlugin, { idempotency: createIdempotencyService({ db, ttlSeconds: config.IDEMPOTENCY_TTL_SECONDS, claimTimeoutSeconds: config.IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS }) });
    await v1.register(videoRoutes, { videos: createVideoService({ config, db, queues, storage, statusCache }), upload: uploadLimits });
    await v1.register(videoContentRoutes, { content: createVideoContentService({ db, storage }) });
    await v1.register(videoContentUrlRoutes, { contentUrls: createVideoContentUrlService({ config, db, storage }), configuredBaseUrl: config.PUBLIC_BASE_URL });
    await v1.register(videoTimelineRoutes, { timelines: createVideoTimelineService({ db }) });
    await v1.register(videoCancelRoutes, { cancels: createVideoCancelService({ db, videoCache: statusCache }) });
    await v1.register(videoQuoteRoutes, { quotes: createVideoQuoteService({ config, db }), upload: uploadLimits });
    await v1.register(usageRoutes, { usage });
    await v1.register(webhookEndpointRoutes, { endpoints: webhookEndpoints });
    await v1.register(webhookDeliveryRoutes, { deliveries: createWebhookDeliveryService({ config, db, queues }) });
    await v1.register(videoEventStreamPlugin, { config, db, redis, options: deps.videoEventStream });
  }, { prefix: '/v1' });

  // The provider's webhooks: signed, not API-keyed, so outside the /v1 plugin and its auth hook.
  app.register(providerWebhookRoutes, { prefix: '/v1/provider', providerWebhooks: createProviderWebhookService({ config, db, redis, queues }) });

  // The local driver's signed URLs, served here; S3's presigned URLs go to the bucket, so with S3 there is no /files.
  if (storage instanceof LocalStorage) app.register(signedFileRoutes, { files: createSignedFileService({ db, storage }) });

  app.register(async (admin) => {
    await admin.register(jsonCompressionPlugin);
    await admin.register(adminAuthPlugin, { adminApiKey: config.ADMIN_API_KEY, authenticate, sessions, cookies });
    await admin.register(userRoutes, { users: createUserService({ db, defaultBudgets: defaultBudgetLimits(config), apiKeyCache }) });
    await admin.register(adminApiKeyRoutes, { apiKeys });
    await admin.register(budgetRoutes, { budgets: createBudgetService({ config, db }) });
    await admin.register(adminUsageRoutes, { usage });
    await admin.register(ledgerCheckRoutes, { db });
    await admin.register(adminVideoRoutes, { videos: createAdminVideoService({ db, videoCache: statusCache }) });
    await admin.register(adminWebhookEndpointRoutes, { endpoints: webhookEndpoints });
  }, { prefix: '/admin' });

  app.register(bullBoardPlugin, { queues, adminApiKey: config.ADMIN_API_KEY, authenticate, sessions, cookies });

  // The Studio at `/` (services/web's build), and index.html for a reload at any of its own paths.
  app.register(studioPlugin, { distDir: webDistDirOf(config), csp: studioCsp(config) });

  // Last: close() waits for requests in flight, after the event streams' own preClose has ended theirs.
  drainRequestsOnClose(app, { deadlineMs: deps.requestDrainDeadlineMs });
  return app;
}

export type App = ReturnType<typeof buildApp>;
