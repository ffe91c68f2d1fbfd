// Compression of the API's JSON answers (issue 10): brotli, else gzip, from 1 KB, only when the client asks.
// Registered (fastify-plugin, so into the caller's context) inside the /v1 and /admin contexts, where the API's
// JSON routes live, and not at the root: the Studio keeps its own encapsulated registration for its files, so
// no route ever carries two compression hooks, and the root's routes (/files, the Studio, Swagger UI) none.
// What stays uncompressed inside those contexts, and why:
// - GET /v1/events: @fastify/sse writes the stream to the socket itself, so no onSend hook ever sees it; its
//   route is also opted out here (any route that declares `sse`), so a future change there cannot buffer it.
// - /v1/videos/{id}/content: its types (video/mp4, image/jpeg) are not compressible, and @fastify/compress
//   never encodes a 206 or a Content-Range answer, whose byte offsets are of the unencoded bytes.
import compress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { constants } from 'node:zlib';

/** Below this, the encoding's header and a CPU pass cost more than the bytes they save. */
export const COMPRESSION_THRESHOLD_BYTES = 1024;

/**
 * Brotli's quality 4 compresses a JSON list about as well as gzip's default level at a fraction of
 * quality 11's CPU (zlib's default, tuned for static files compressed once): here every request pays it,
 * on the event loop that also serves the status reads.
 */
const BROTLI_QUALITY = 4;

/** application/json and its `+json` kinds; other types fall back to mime-db's compressible flag (the library's rule). */
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

export const jsonCompressionPlugin = fp(async (app: FastifyInstance) => {
  // Before @fastify/compress's own onRoute hook, which reads `compress` to decide per route.
  app.addHook('onRoute', (route) => {
    if ('sse' in route && route.sse !== undefined && route.sse !== false) route.compress = false;
  });
  await app.register(compress, {
    encodings: ['br', 'gzip'],
    threshold: COMPRESSION_THRESHOLD_BYTES,
    customTypes: JSON_TYPE,
    brotliOptions: { params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } },
    // Request bodies stay as they are: no client sends them compressed, and decoding them is surface we do not need.
    globalDecompression: false,
  });
});
