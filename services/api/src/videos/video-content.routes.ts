import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ContentQuerySchema, VideoIdParamsSchema } from '@sora-studio/shared';
import { callerOf } from '../caller-context.ts';
import { bindVideoId } from '../plugins/request-id.ts';
import { API_KEY_SECURITY } from '../plugins/swagger.ts';
import type { VideoContentService } from './video-content.service.ts';

export const videoContentRoutes: FastifyPluginAsyncZod<{ content: VideoContentService }> = async (app, { content }) => {
  app.get('/videos/:video_id/content', {
    schema: {
      tags: ['videos'],
      security: API_KEY_SECURITY,
      summary: 'Download a completed video, its thumbnail or its spritesheet',
      description: 'Streams the bytes (video/mp4 or image/jpeg). Supports a single `Range: bytes=…` (206, or 416 when unsatisfiable). 409 while the video is not completed.',
      params: VideoIdParamsSchema,
      querystring: ContentQuerySchema,
    },
  }, async (request, reply) => {
    bindVideoId(request, reply, request.params.video_id);
    const answer = await content.open(callerOf(request), request.params.video_id, request.query.variant, request.headers.range);
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  });
};
