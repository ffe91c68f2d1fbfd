// Bull Board for every queue, mounted under /admin/queues. The admin-auth hook in front of it answers a
// browser with a Basic challenge, so the board opens with the admin key as the password, or with a signed-in
// admin's session cookie (its writes are held to our Origin, not the CSRF token the board cannot send).
// Browsers resend cached Basic credentials on any request, so a state-changing request must come from the board's own origin.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { PermissionDeniedError, type VideoQueues } from '@sora-studio/shared';
import type { BearerAuthenticator } from '../auth/bearer-auth.ts';
import { toAppError } from '../errors/to-app-error.ts';
import { adminAuthPlugin, type AdminAuthOptions } from './admin-auth.ts';
import { sendError } from './error-handler.ts';

const BULL_BOARD_PATH = '/admin/queues';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a browser sent this from another site, judged as Go's net/http CrossOriginProtection does: every
 * current browser sends Sec-Fetch-Site, older ones at least Origin on a cross-origin write; a request with
 * neither is not from a browser page (curl, a script) and carries no ambient credential to abuse.
 */
function isCrossSite(request: FastifyRequest): boolean {
  const fetchSite = request.headers['sec-fetch-site'];
  if (typeof fetchSite === 'string') return fetchSite !== 'same-origin' && fetchSite !== 'none';
  const origin = request.headers.origin;
  if (typeof origin !== 'string') return false;
  try {
    return new URL(origin).host !== request.host;
  } catch {
    return true; // "null" (a sandboxed frame, a file) or garbage
  }
}

export async function bullBoardPlugin(app: FastifyInstance, opts: { queues: VideoQueues; adminApiKey: string | undefined; authenticate: BearerAuthenticator } & Pick<AdminAuthOptions, 'sessions' | 'cookies'>): Promise<void> {
  app.addHook('onRequest', async (request, reply) => {
    if (SAFE_METHODS.has(request.method) || !isCrossSite(request)) return undefined;
    // Replies instead of throwing, as admin-auth does: the board's own error handler would hide the 403.
    return sendError(new PermissionDeniedError('Bull Board accepts changes only from its own pages (same origin).', { code: 'cross_site_request' }), request, reply);
  });
  await app.register(adminAuthPlugin, {
    adminApiKey: opts.adminApiKey, authenticate: opts.authenticate, basicChallenge: true, sessions: opts.sessions, cookies: opts.cookies, sessionCsrf: 'origin',
  });
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: [new BullMQAdapter(opts.queues.pipeline), new BullMQAdapter(opts.queues.maintenance), new BullMQAdapter(opts.queues.webhooks)],
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Sora Studio' } },
  });
  // The board's default handler echoes error messages (and stacks in development); ours shows neither.
  serverAdapter.setErrorHandler((error) => {
    const appError = toAppError(error);
    return { status: appError.status as 500, body: appError.toBody() };
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: BULL_BOARD_PATH });
}
