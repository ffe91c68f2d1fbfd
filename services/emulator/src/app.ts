// buildEmulator: the provider emulator as a Fastify app, not yet listening. Cross-cutting hooks first, in order,
// then the routes.
import multipart from '@fastify/multipart';
import { createLogger, newId, NotFoundError } from '@sora-studio/shared';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseEmulatorSettings, type EmulatorOptions } from './emulator.config.ts';
import { parseFaultDirectives } from './faults/fault-directives.ts';
import { RequestFaults } from './faults/request-faults.ts';
import { requireBearer } from './http/bearer-auth.ts';
import { sendError } from './http/error-reply.ts';
import { EmulatorStats } from './stats/emulator-stats.ts';
import { registerVideoRoutes } from './videos/video.routes.ts';
import { VideoService } from './videos/video.service.ts';
import { WebhookSender } from './webhooks/webhook-sender.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the /v1 onRequest hook before any handler runs; null on the routes outside /v1. */
    faults: RequestFaults;
  }
}

/** Large enough for a 20 MiB base64 `input_reference.image_url` or reference image. */
const BODY_LIMIT_BYTES = 32 * 1024 * 1024;

export function buildEmulator(options: EmulatorOptions = {}): FastifyInstance {
  const { logger, ...rest } = options;
  const settings = parseEmulatorSettings(rest);
  const stats = new EmulatorStats();

  // Typed as Fastify's base logger, so the app is a plain FastifyInstance whichever logger is given.
  const loggerInstance: FastifyBaseLogger | undefined = logger;
  const app = Fastify({
    ...(loggerInstance ? { loggerInstance } : {}),
    // One line per created video is logged by the routes; a line per poll would drown it.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: () => newId('req'),
    // close() must not wait on a client that stopped reading a download; tests abandon responses all the time.
    forceCloseConnections: true,
  });
  const { webhookUrl, webhookSecret } = settings;
  const webhooks = webhookUrl && webhookSecret
    ? new WebhookSender({ url: webhookUrl, secret: webhookSecret, stats, logger: (logger ?? createLogger('emulator', 'silent')).child({ component: 'webhooks' }) })
    : undefined;
  if (webhooks) app.addHook('onClose', async () => { webhooks.close(); });
  const service = new VideoService({ settings, stats, ...(webhooks ? { webhooks } : {}) });

  // Fastify wants decorations declared up front; the /v1 onRequest hook sets the real value on every request.
  app.decorateRequest('faults', null as unknown as RequestFaults);
  void app.register(multipart, { limits: { fieldSize: BODY_LIMIT_BYTES, fileSize: BODY_LIMIT_BYTES, parts: 50 } });
  app.setErrorHandler(sendError);
  app.setNotFoundHandler((request) => {
    throw new NotFoundError(`Invalid URL (${request.method} ${request.url})`, { code: 'unknown_url' });
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (request.faults?.latencyMs) await sleep(request.faults.latencyMs);
  });

  // With a key configured nothing answers without it, the stats (they count every tenant's videos) included;
  // without one, /v1 still wants a non-empty bearer, as OpenAI does, and the stats are open to tests.
  if (settings.apiKey) app.addHook('onRequest', requireBearer(settings.apiKey));
  app.get('/_emulator/stats', async () => stats.snapshot());

  void app.register(async (v1) => {
    v1.addHook('onRequest', async (request) => {
      stats.requests += 1;
      const header = request.headers['x-emulator-fault'];
      const directives = typeof header === 'string' ? parseFaultDirectives(header, { param: null, bracketsOnly: false }) : {};
      request.faults = new RequestFaults(service.serverDirectives, directives);
    });
    if (!settings.apiKey) v1.addHook('onRequest', requireBearer(undefined));
    registerVideoRoutes(v1, { service, stats });
  }, { prefix: '/v1' });

  return app;
}
