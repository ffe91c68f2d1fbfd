// GET /v1/videos/:video_id/content_url, Sora Studio's own route (OpenAI's Videos API has none). HTTP only.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ContentUrlQuerySchema, VideoContentUrlSchema, VideoIdParamsSchema } from '@sora-studio/shared';
import { callerOf } from '../caller-context.ts';
import { publicBaseUrl } from '../files/public-base-url.ts';
import { bindVideoId } from '../plugins/request-id.ts';
import { API_KEY_SECURITY, ERROR_RESPONSES } from '../plugins/swagger.ts';
import type { VideoContentUrlService } from './video-content-url.service.ts';

export const videoContentUrlRoutes: FastifyPluginAsyncZod<{ contentUrls: VideoContentUrlService; configuredBaseUrl: string | undefined }> = async (app, opts) => {
  app.get('/videos/:video_id/content_url', {
    schema: {
      tags: ['videos'],
      security: API_KEY_SECURITY,
      summary: 'A signed, expiring URL for a completed video, its thumbnail or its spritesheet',
      description: 'The URL needs no API key (for a browser\'s `<video>` tag or a download link) and serves the bytes, with Range, until `expires_at` (CONTENT_URL_TTL_SECONDS, 1 h by default, and never past the video\'s own `expires_at`). With S3 storage it is a presigned GET on the bucket; with local storage it is this API\'s `/files/...` URL, which answers 403 `invalid_signature` or `url_expired` once tampered with or expired. `download=true` makes it answer `Content-Disposition: attachment` with a file name. Same rules as `/content`: 409 `video_not_ready`, 404 `video_expired`.',
      params: VideoIdParamsSchema,
      querystring: ContentUrlQuerySchema,
      response: { 200: VideoContentUrlSchema, ...ERROR_RESPONSES },
    },
  }, async (request, reply) => {
    bindVideoId(request, reply, request.params.video_id);
    return opts.contentUrls.sign(callerOf(request), {
      videoId: request.params.video_id,
      variant: request.query.variant,
      download: request.query.download,
      baseUrl: publicBaseUrl(request, opts.configuredBaseUrl),
    });
  });
};
