// POST /v1/videos/quote: the create's body (JSON or a form), priced, with each budget's room after it.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CreateVideoBodySchema, VideoQuoteSchema } from '@sora-studio/shared';
import { callerOf } from '../caller-context.ts';
import { API_KEY_SECURITY, ERROR_RESPONSES } from '../plugins/swagger.ts';
import { acceptMultipart, type MultipartLimits } from '../videos/video-multipart.ts';
import type { VideoQuoteService } from './video-quote.service.ts';

export interface VideoQuoteRoutesOptions {
  quotes: VideoQuoteService;
  upload: Omit<MultipartLimits, 'fileField'>;
}

export const videoQuoteRoutes: FastifyPluginAsyncZod<VideoQuoteRoutesOptions> = async (app, { quotes, upload }) => {
  app.post('/videos/quote', {
    // The same form as a create, file included, so a client can quote exactly what it is about to send.
    preValidation: acceptMultipart({ ...upload, fileField: 'input_reference' }),
    schema: {
      tags: ['videos'],
      security: API_KEY_SECURITY,
      summary: 'Quote a video: its exact estimated cost and the budgets left after it, spending nothing',
      consumes: ['application/json', 'multipart/form-data'],
      body: CreateVideoBodySchema,
      response: { 200: VideoQuoteSchema, ...ERROR_RESPONSES },
    },
  }, async (request) => quotes.quote(callerOf(request), request.body, request.upload));
};
