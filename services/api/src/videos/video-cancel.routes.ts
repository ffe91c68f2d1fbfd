// POST /v1/videos/:video_id/cancel, Sora Studio's own route (OpenAI's Videos API has none). HTTP only.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { VideoIdParamsSchema, VideoObjectSchema } from '@sora-studio/shared';
import { callerOf } from '../caller-context.ts';
import { bindVideoId } from '../plugins/request-id.ts';
import { API_KEY_SECURITY, ERROR_RESPONSES } from '../plugins/swagger.ts';
import type { VideoCancelService } from './video-cancel.service.ts';

export const videoCancelRoutes: FastifyPluginAsyncZod<{ cancels: VideoCancelService }> = async (app, { cancels }) => {
  app.post('/videos/:video_id/cancel', {
    schema: {
      tags: ['videos'],
      security: API_KEY_SECURITY,
      summary: 'Cancel a video',
      description: 'A video not yet at the provider becomes `cancelled` and its reserved cost is released in full. A video the provider already has cannot be stopped there: it gets `cancel_requested_at`, keeps its status, runs to its end and is charged what the provider bills (it ends `cancelled` only if the provider did not deliver). Asking again changes nothing; a completed or failed video answers 409.',
      params: VideoIdParamsSchema,
      response: { 200: VideoObjectSchema, ...ERROR_RESPONSES },
    },
  }, async (request, reply) => {
    bindVideoId(request, reply, request.params.video_id);
    return cancels.cancel(callerOf(request), request.params.video_id);
  });
};
