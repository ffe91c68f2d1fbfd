// Live status wired into the app: the process's one subscriber connection (opened with the first stream),
// the stream service and its route, and the shutdown order: every stream ends before the server closes
// (an open stream would hold `app.close()` for ever), the subscriber after it. The service is decorated on
// the enclosing (/v1) instance as `videoEventStreams`, so a sign-out can end that user's streams.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { createRedis, type Config, type Db } from '@sora-studio/shared';
import { createVideoEventFanout } from './video-event-fanout.ts';
import { videoEventStreamRoutes } from './video-event-stream.routes.ts';
import {
  createVideoEventStreamService, VIDEO_EVENT_STREAM_DEFAULTS, type VideoEventStreamOptions, type VideoEventStreamService,
} from './video-event-stream.service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The open GET /v1/events streams of this process (end a user's on sign-out: they resume if still allowed). */
    videoEventStreams: VideoEventStreamService;
  }
}

export interface VideoEventStreamPluginOptions {
  config: Pick<Config, 'REDIS_URL' | 'REDIS_PREFIX'>;
  db: Db;
  /** The API's producer connection, for the relay's cursor. */
  redis: Redis;
  /** Tests: a short heartbeat, a small queue. */
  options?: Partial<VideoEventStreamOptions>;
}

export const videoEventStreamPlugin = fp(async (app: FastifyInstance, opts: VideoEventStreamPluginOptions) => {
  const options = { ...VIDEO_EVENT_STREAM_DEFAULTS, ...opts.options };
  const prefix = opts.config.REDIS_PREFIX;
  // A subscriber needs its own connection; this one waits out an outage (its streams end, clients resume).
  const fanout = createVideoEventFanout({ connect: () => createRedis(opts.config.REDIS_URL), prefix, logger: app.log });
  const streams = createVideoEventStreamService({ db: opts.db, redis: opts.redis, prefix, fanout, options });
  app.addHook('preClose', async () => { streams.endAll('server_closing'); });
  app.addHook('onClose', async () => { await fanout.close(); });
  app.decorate('videoEventStreams', streams);
  await app.register(videoEventStreamRoutes, { streams, heartbeatMs: options.heartbeatMs, retryMs: options.retryMs });
}, { name: 'video-event-streams' });
