// The OpenAI-compatible video routes under /v1. HTTP only: parse, hand the caller to the service, reply.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  CreateVideoBodySchema, ListVideosQuerySchema, RemixVideoBodySchema, VideoDeletedSchema, VideoIdParamsSchema, VideoListSchema,
  VideoObjectSchema, type VideoObject,
} from '@sora-studio/shared';
import { callerOf } from '../caller-context.ts';
import { bindVideoId } from '../plugins/request-id.ts';
import { API_KEY_SECURITY, ERROR_RESPONSES } from '../plugins/swagger.ts';
import { acceptMultipart, type MultipartLimits } from './video-multipart.ts';
import type { VideoService } from './video.service.ts';

export interface VideoRoutesOptions {
  videos: VideoService;
  upload: Omit<MultipartLimits, 'fileField'>;
}

const FORM_OR_JSON = ['application/json', 'multipart/form-data'];
/** Fastify's own content type for a serialized JSON answer. */
const JSON_UTF8 = 'application/json; charset=utf-8';

export const videoRoutes: FastifyPluginAsyncZod<VideoRoutesOptions> = async (app, { videos, upload }) => {
  const common = { tags: ['videos'], security: API_KEY_SECURITY };

  app.post('/videos', {
    config: { idempotent: true },
    preValidation: acceptMultipart({ ...upload, fileField: 'input_reference' }),
    schema: {
      ...common,
      summary: 'Create a video',
      description: 'JSON, or multipart/form-data with bracket keys for nested fields and an optional `input_reference` image file (JPEG, PNG or WebP). The estimated cost is reserved at once. An `Idempotency-Key` header makes a retry safe.',
      consumes: FORM_OR_JSON,
      body: CreateVideoBodySchema,
      response: { 200: VideoObjectSchema, ...ERROR_RESPONSES },
    },
  }, async (request, reply) => {
    const video = await videos.create(callerOf(request), request.body, request.upload, request.idempotency);
    bindVideoId(request, reply, video.id);
    return video;
  });

  app.get('/videos', {
    schema: {
      ...common,
      summary: 'List videos',
      description: 'Newest first by default; page with `after` = the previous page\'s `last_id`. `created_after` is inclusive and `created_before` exclusive (unix seconds); `q` searches prompts (web-search syntax).',
      querystring: ListVideosQuerySchema,
      response: { 200: VideoListSchema, ...ERROR_RESPONSES },
    },
  }, async (request) => videos.list(callerOf(request), request.query));

  app.get('/videos/:video_id', {
    config: { statusRead: true },
    schema: { ...common, summary: 'Retrieve a video', params: VideoIdParamsSchema, response: { 200: VideoObjectSchema, ...ERROR_RESPONSES } },
  }, async (request, reply) => {
    bindVideoId(request, reply, request.params.video_id);
    // A JSON string is sent as it is (the send is typed for the object): the cache stores the very bytes the
    // response schema's serializer would write (video-status-cache.ts).
    const json = await videos.retrieveJson(callerOf(request), request.params.video_id, request.videoCacheLookup);
    return reply.type(JSON_UTF8).send(json as unknown as VideoObject);
  });

  app.delete('/videos/:video_id', {
    schema: {
      ...common,
      summary: 'Delete a video and its stored content',
      description: 'Allowed at any status. A video not yet at the provider is cancelled and its reserved cost released; one the provider already has runs to its end and is charged what the provider bills, without keeping its content. Billing records are kept.',
      params: VideoIdParamsSchema,
      response: { 200: VideoDeletedSchema, ...ERROR_RESPONSES },
    },
  }, async (request, reply) => {
    bindVideoId(request, reply, request.params.video_id);
    return videos.delete(callerOf(request), request.params.video_id);
  });

  app.post('/videos/:video_id/remix', {
    config: { idempotent: true },
    preValidation: acceptMultipart({ ...upload, fileField: null }),
    schema: {
      ...common,
      summary: 'Remix a completed video with a new prompt',
      consumes: FORM_OR_JSON,
      params: VideoIdParamsSchema,
      body: RemixVideoBodySchema,
      response: { 200: VideoObjectSchema, ...ERROR_RESPONSES },
    },
  }, async (request, reply) => {
    // The log lines are about the new video; the source is named as remixedFromVideoId.
    const video = await videos.remix(callerOf(request), request.params.video_id, request.body, request.idempotency);
    bindVideoId(request, reply, video.id);
    return video;
  });
};
