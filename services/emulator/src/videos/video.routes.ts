// OpenAI's /v1/videos endpoints. HTTP only: read the request, call the service, shape the reply.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EmulatorStats } from '../stats/emulator-stats.ts';
import { ContentQuerySchema, parseRequest } from './video.schemas.ts';
import type { VideoRequestContext, VideoService } from './video.service.ts';
import { readVideoRequestBody } from './video-request.parser.ts';

interface VideoParams {
  Params: { video_id: string };
}

export function registerVideoRoutes(app: FastifyInstance, deps: { service: VideoService; stats: EmulatorStats }): void {
  const { service, stats } = deps;

  app.post('/videos', async (request) => {
    const context = requestContext(request);
    stats.recordCreateRequest(context.idempotencyKey);
    stats.operations.create += 1;
    const video = service.create(await readVideoRequestBody(request), context);
    request.log.info({ videoId: video.id, model: video.model, size: video.size, seconds: video.seconds }, 'video created');
    return video;
  });

  app.post<VideoParams>('/videos/:video_id/remix', async (request) => {
    const context = requestContext(request);
    stats.recordCreateRequest(context.idempotencyKey);
    stats.operations.remix += 1;
    const video = service.remix(request.params.video_id, await readVideoRequestBody(request), context);
    request.log.info({ videoId: video.id, remixedFrom: video.remixed_from_video_id }, 'video remixed');
    return video;
  });

  app.get('/videos', async (request) => {
    stats.operations.list += 1;
    return service.list(request.query);
  });

  app.get<VideoParams>('/videos/:video_id', async (request) => {
    stats.operations.retrieve += 1;
    const video = service.retrieve(request.params.video_id, requestContext(request));
    stats.recordRetrieve(video.id);
    if (video.status === 'queued' || video.status === 'in_progress') stats.retrievesBeforeEnd += 1;
    return video;
  });

  app.delete<VideoParams>('/videos/:video_id', async (request) => {
    stats.operations.delete += 1;
    return service.delete(request.params.video_id, requestContext(request));
  });

  app.get<VideoParams>('/videos/:video_id/content', async (request, reply) => {
    stats.operations.content += 1;
    const { variant } = parseRequest(ContentQuerySchema, request.query);
    const download = service.content(request.params.video_id, variant, requestContext(request));
    // Whatever the Accept header says (the SDK sends application/binary), the answer is the asset's own type. The
    // length is the whole asset's, also when download_cut then ends the body early.
    return reply.type(download.contentType).header('content-length', download.length).send(download.body);
  });
}

function requestContext(request: FastifyRequest): VideoRequestContext {
  const key = request.headers['idempotency-key'];
  return { faults: request.faults, idempotencyKey: typeof key === 'string' && key !== '' ? key : undefined };
}
