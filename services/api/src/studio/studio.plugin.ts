// The Studio (services/web's build) at `/`, same origin as the API, so no CORS. Hashed files under /assets/
// are cached for a year; index.html is revalidated every time, so a new build is picked up at once. A page
// reload at a Studio path (/gallery, /videos/video_…) gets index.html and the app's router takes over; an
// unknown API path, or a request that does not ask for HTML, keeps the JSON 404 in OpenAI's shape.
// Encapsulated (not fastify-plugin): its compression applies to these routes only, never to the API's JSON,
// the event stream or the Range answers of content downloads.
import compress from '@fastify/compress';
import fastifyStatic from '@fastify/static';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasWebBuild } from './studio-dist.ts';

export interface StudioPluginOptions {
  distDir: string;
  /** The CSP of the Studio's HTML (studio-csp.ts). */
  csp: string;
}

/** Paths the Studio never answers with its page: the API's own, whose unknown URLs stay JSON 404s. */
const API_PATH_PREFIXES = ['/v1', '/admin', '/files', '/docs', '/openapi.json', '/health', '/ready'];
const HASHED_ASSETS_DIR = 'assets';
const HASHED_ASSETS = `/${HASHED_ASSETS_DIR}/`;
const IMMUTABLE = 'public, max-age=31536000, immutable';

export function isApiPath(path: string): boolean {
  return API_PATH_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/** Studio pages at an API prefix itself: the admin console is /admin, while the admin API lives under /admin/. */
const STUDIO_PAGES_AT_API_PREFIXES = new Set(['/admin']);

/** A browser navigating asks for text/html; fetch(), scripts and curl (`*∕*`) do not name it. */
function wantsPage(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0] ?? '';
  const studioPath = STUDIO_PAGES_AT_API_PREFIXES.has(path) || !isApiPath(path);
  return studioPath && !path.startsWith(HASHED_ASSETS) && /\btext\/html\b/i.test(request.headers.accept ?? '');
}

const MISSING_BUILD_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sora Studio is not built</title></head>
<body><h1>Sora Studio is not built yet</h1>
<p>Build the web app with <code>pnpm --filter @sora-studio/web build</code> (<code>npm start</code> does it for you), then restart the API.
The API itself is up: see <a href="/docs">/docs</a>.</p></body></html>
`;

export async function studioPlugin(app: FastifyInstance, opts: StudioPluginOptions): Promise<void> {
  const pageHeaders = (reply: FastifyReply) => reply.header('content-security-policy', opts.csp).header('cache-control', 'no-cache');

  if (!hasWebBuild(opts.distDir)) {
    app.log.warn({ distDir: opts.distDir }, 'the Studio is not built: / answers 503 until it is (pnpm --filter @sora-studio/web build)');
    const missing = (reply: FastifyReply) => pageHeaders(reply).code(503).type('text/html; charset=utf-8').send(MISSING_BUILD_PAGE);
    app.get('/', { schema: { hide: true } }, (_request, reply) => missing(reply));
    app.get('/*', { schema: { hide: true } }, (request, reply) => (wantsPage(request) ? missing(reply) : reply.callNotFound()));
    return;
  }

  // brotli first: every browser that sends `br` prefers it. Request bodies are the API's business, not ours.
  await app.register(compress, { encodings: ['br', 'gzip'], globalDecompression: false });
  // Vite's content-hashed output, looked up per request (a rebuild under a running API is served at once),
  // and cacheable for ever since a changed file gets a new name.
  await app.register(fastifyStatic, {
    root: join(opts.distDir, HASHED_ASSETS_DIR),
    prefix: HASHED_ASSETS,
    // reply.sendFile is the other instance's, so the fallback's index.html gets the page headers.
    decorateReply: false,
    cacheControl: false,
    schemaHide: true,
    setHeaders: (reply) => { reply.header('cache-control', IMMUTABLE); },
  });
  // index.html at / and the build's other top-level files (one route each, listed at start-up), revalidated.
  await app.register(fastifyStatic, {
    root: opts.distDir,
    prefix: '/',
    wildcard: false,
    globIgnore: [`${HASHED_ASSETS_DIR}/**`],
    cacheControl: false,
    schemaHide: true,
    setHeaders: pageHeaders,
  });

  // The SPA fallback: every other GET/HEAD that asks for a page gets index.html.
  app.get('/*', { schema: { hide: true } }, (request, reply) => (wantsPage(request) ? reply.sendFile('index.html', opts.distDir) : reply.callNotFound()));
}
