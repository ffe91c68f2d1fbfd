// The status read's cache lookup, started as its request arrives, before authentication: issued in the same
// tick as the rate limit's script, on the auto-pipelined connection (app.ts), the two leave in one write and
// come back in one read, so a cached status read costs one Redis round trip, the Fastify + Redis anchor's
// shape (bench/README.md's plan). Only on the route that asks for it (`config.statusRead`), and its answer is
// used only by that route's handler, after authentication has admitted the caller, whose video it must be
// (video-status-cache.ts). Registered before the auth plugin, so its hook runs first.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { IdSchema } from '@sora-studio/shared';
import type { VideoCacheLookup, VideoStatusCache } from './video-status-cache.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** GET /v1/videos/{video_id}: start the video's cache lookup as the request arrives. */
    statusRead?: boolean;
  }
  interface FastifyRequest {
    /** The lookup started for a status read; null elsewhere, or for an id that cannot be a video's. */
    videoCacheLookup: VideoCacheLookup | null;
  }
}

export const videoStatusPrefetchPlugin = fp((app: FastifyInstance, opts: { statusCache: VideoStatusCache }) => {
  app.decorateRequest('videoCacheLookup', null);
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.routeOptions.config.statusRead === true) {
      const { video_id: videoId } = request.params as { video_id?: unknown };
      // The params are not validated yet: only an id of the right shape is looked up.
      if (typeof videoId === 'string' && IdSchema.safeParse(videoId).success) request.videoCacheLookup = opts.statusCache.lookup(videoId);
    }
    done();
  });
}, { name: 'video-status-prefetch' });
