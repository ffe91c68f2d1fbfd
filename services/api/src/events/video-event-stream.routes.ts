// GET /v1/events: the caller's live video status as server-sent events (Sora Studio's own route). HTTP only;
// the order of snapshot, replay and live messages is the service's. @fastify/sse writes the frames (with
// backpressure), the heartbeat comments and the headers, X-Accel-Buffering: no among them.
import { fastifySSE } from '@fastify/sse';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerOf } from '../caller-context.ts';
import { API_KEY_SECURITY, ERROR_RESPONSES } from '../plugins/swagger.ts';
import type { VideoEventStreamService } from './video-event-stream.service.ts';

export interface VideoEventStreamRouteOptions {
  streams: VideoEventStreamService;
  heartbeatMs: number;
  retryMs: number;
}

/** An id we handed out is a video_events id; anything else is ignored (the stream starts with a snapshot). */
function lastEventIdOf(header: string | string[] | undefined): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^\d{1,15}$/.test(value.trim())) return null;
  return Number(value.trim());
}

export const videoEventStreamRoutes: FastifyPluginAsyncZod<VideoEventStreamRouteOptions> = async (app, opts) => {
  await app.register(fastifySSE, { heartbeatInterval: opts.heartbeatMs });

  app.get('/events', {
    // 'manual': no Accept negotiation, so `curl -N` works without `-H 'Accept: text/event-stream'`.
    sse: 'manual',
    schema: {
      tags: ['events'],
      security: API_KEY_SECURITY,
      summary: 'Stream live video status (server-sent events)',
      description: [
        'A `text/event-stream` of the caller\'s videos: `video.created`, `video.updated` (status, progress, a cancel request or a stall), `video.completed`, `video.failed`, `video.cancelled` and `video.deleted`, each with `id:` (an event id) and `data:` a video object (`id`, `object`, `model`, `status`, `progress`, `created_at`, `completed_at`, `error`) as of that event.',
        'A new stream starts with a `snapshot` event: `{"object":"list","data":[...]}`, the caller\'s unfinished videos. A reconnect sends `Last-Event-ID` and gets exactly the events it missed (up to 1,000; further behind, a snapshot again).',
        'A comment line every 15 s keeps the connection open. The stream stays open until the client leaves; the server may end it (shutdown, a client too slow to read), and the client then reconnects with `Last-Event-ID`.',
      ].join('\n\n'),
      response: { ...ERROR_RESPONSES },
    },
  }, async (request, reply) => {
    const stream = await opts.streams.open(callerOf(request), lastEventIdOf(request.headers['last-event-id']));
    reply.sse.onClose(() => stream.end('client_gone'));
    // Signing out ends the session's streams at once; a reconnect then gets a 401.
    const stopWatchingSession = request.session?.onEnded(() => stream.end('session_ended'));
    reply.sse.sendHeaders();
    reply.raw.write(`retry: ${opts.retryMs}\n\n`);
    try {
      await reply.sse.send(stream.frames);
    } catch (error) {
      // A client that went away mid-write is the normal end of a stream, not an error to answer.
      if (reply.sse.isConnected) request.log.warn({ err: error }, 'event stream write failed');
    } finally {
      stopWatchingSession?.();
      stream.end('client_gone');
    }
  });
};
