// GET /files/* (and HEAD): the local storage driver's signed URLs, outside /v1 and its API-key auth. HTTP only.
// A URL that fails its check counts against the client's IP like a failed authentication, so guessing
// signatures runs into the same per-IP limit; good URLs are not limited (a player seeks with many ranges).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { SIGNED_FILES_PATH } from '@sora-studio/shared';
import type { SignedFile, SignedFileService } from './signed-file.service.ts';

export const signedFileRoutes: FastifyPluginAsyncZod<{ files: SignedFileService }> = async (app, { files }) => {
  app.get(`${SIGNED_FILES_PATH}/*`, {
    schema: {
      // Opaque to clients (they follow the URL content_url gave them), and OpenAPI has no wildcard path.
      hide: true,
      summary: 'Download through a signed URL (local storage)',
      description: 'The URLs `GET /v1/videos/{video_id}/content_url` hands out when assets are on local disk. No API key: `expires` and `signature` (HMAC-SHA256 over the key, the expiry and the `download` name) are the credential. Supports a single `Range: bytes=…`. A missing, malformed or wrong signature answers 403 `invalid_signature`, an expired URL 403 `url_expired` (type `permission_error`), an object gone since 404.',
    },
  }, async (request, reply) => {
    // The key exactly as sent, not as the router decoded it: a key we signed has nothing to decode.
    const rawKey = request.url.split('?', 1)[0]!.slice(SIGNED_FILES_PATH.length + 1);
    let file: SignedFile;
    try {
      file = files.check(rawKey, request.query);
    } catch (error) {
      await app.limitRequest(request, reply, null);
      throw error;
    }
    const answer = await files.open(file, request.headers.range, request.log);
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  });
};
