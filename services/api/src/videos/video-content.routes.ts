import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ContentQuerySchema, VideoIdParamsSchema } from '@sora-studio/shared';
import { callerOf } from '../caller-context.ts';
import { bindVideoId } from '../plugins/request-id.ts';
import { API_KEY_SECURITY } from '../plugins/swagger.ts';
import type { VideoContentService } from './video-content.service.ts';

/**
 * The bytes came from the provider with the provider's Content-Type: `attachment` (with nosniff, set for
 * every response) keeps a browser from rendering them as a page of ours. A browser may keep its own copy
 * (players seek by range) but must revalidate it by ETag; no shared cache may store it.
 */
function downloadHeaders(downloadName: string): Record<string, string> {
  return { 'content-disposition': `attachment; filename="${downloadName}"`, 'cache-control': 'private, no-cache' };
}

export const videoContentRoutes: FastifyPluginAsyncZod<{ content: VideoContentService }> = async (app, { content }) => {
  app.get('/videos/:video_id/content', {
    schema: {
      tags: ['videos'],
      security: API_KEY_SECURITY,
      summary: 'Download a completed video, its thumbnail or its spritesheet',
      description: 'Streams the bytes (video/mp4 or image/jpeg). Supports a single `Range: bytes=…` (206, or 416 when unsatisfiable). 409 `video_not_ready` while the video is not completed, 404 `video_expired` once its assets are past retention. For a URL that needs no API key, see `/content_url`.',
      params: VideoIdParamsSchema,
      querystring: ContentQuerySchema,
    },
  }, async (request, reply) => {
    bindVideoId(request, reply, request.params.video_id);
    const answer = await content.open(callerOf(request), request.params.video_id, request.query.variant, request.headers.range);
    return reply.code(answer.status).headers({ ...answer.headers, ...downloadHeaders(answer.downloadName) }).send(answer.body);
  });
};
