// GET /v1/videos/{video_id}/events: a video's timeline (Sora Studio's own route). HTTP only.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { VideoIdParamsSchema, VideoTimelineSchema } from '@sora-studio/shared';
import { callerOf } from '../caller-context.ts';
import { bindVideoId } from '../plugins/request-id.ts';
import { API_KEY_SECURITY, ERROR_RESPONSES } from '../plugins/swagger.ts';
import type { VideoTimelineService } from './video-timeline.service.ts';

export const videoTimelineRoutes: FastifyPluginAsyncZod<{ timelines: VideoTimelineService }> = async (app, { timelines }) => {
  app.get('/videos/:video_id/events', {
    schema: {
      tags: ['videos'],
      security: API_KEY_SECURITY,
      summary: 'A video\'s event timeline',
      description: 'Oldest first, at most 1,000 events (`has_more` says when there are more). Each event has its lifecycle type, the status change, progress, the error and a line for people where it helps; the ids are those `GET /v1/events` sends.',
      params: VideoIdParamsSchema,
      response: { 200: VideoTimelineSchema, ...ERROR_RESPONSES },
    },
  }, async (request, reply) => {
    bindVideoId(request, reply, request.params.video_id);
    return timelines.timeline(callerOf(request), request.params.video_id);
  });
};
