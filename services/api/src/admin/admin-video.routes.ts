// Admin routes about videos: the list across users (`?stalled=true` for the ones to look at), the fleet's
// summary, and resolving a video by hand. HTTP only; the rules are in admin-video.service.ts.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  AdminSummarySchema, AdminVideoListSchema, AdminVideoObjectSchema, ListAdminVideosQuerySchema, ResolveVideoBodySchema, VideoIdParamsSchema,
} from '@sora-studio/shared';
import { ADMIN_KEY_SECURITY, ERROR_RESPONSES } from '../plugins/swagger.ts';
import type { AdminVideoService } from './admin-video.service.ts';

export const adminVideoRoutes: FastifyPluginAsyncZod<{ videos: AdminVideoService }> = async (app, { videos }) => {
  const common = { tags: ['admin'], security: ADMIN_KEY_SECURITY };

  app.get('/summary', {
    schema: {
      ...common,
      summary: 'Counts of videos by status, unfinished and stalled',
      description: '`videos.stalled` counts the unfinished videos the worker marked stalled (lost or stuck at the provider); list them with `GET /admin/videos?stalled=true`.',
      response: { 200: AdminSummarySchema, ...ERROR_RESPONSES },
    },
  }, async () => videos.summary());

  app.get('/videos', {
    schema: {
      ...common,
      summary: 'List every user\'s videos',
      description: 'Newest first by default, deleted ones included; page with `after`. `stalled=true` lists the unfinished videos marked stalled, with why (`stalled_reason`) and since when.',
      querystring: ListAdminVideosQuerySchema,
      response: { 200: AdminVideoListSchema, ...ERROR_RESPONSES },
    },
  }, async (request) => videos.list(request.query));

  app.post('/videos/:video_id/resolve', {
    schema: {
      ...common,
      summary: 'End an unfinished video as failed, releasing or settling its reservation',
      description: '`fail_release` gives the whole reservation back (the provider will not bill it); `fail_settle` charges the reserved amount (it may). The video ends `failed` with code `resolved_by_admin`; the change is written to the audit log. 409 when the video has already ended.',
      params: VideoIdParamsSchema,
      body: ResolveVideoBodySchema,
      response: { 200: AdminVideoObjectSchema, ...ERROR_RESPONSES },
    },
  }, async (request) => videos.resolve(request.adminActor, request.params.video_id, request.body));
};
