// Bull Board for both queues, mounted under /admin/queues. The admin-auth hook in front of it answers a
// browser with a Basic challenge, so the board opens with the admin key as the password.
import type { FastifyInstance } from 'fastify';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { VideoQueues } from '@sora-studio/shared';
import type { BearerAuthenticator } from '../auth/bearer-auth.ts';
import { toAppError } from '../errors/to-app-error.ts';
import { adminAuthPlugin } from './admin-auth.ts';

const BULL_BOARD_PATH = '/admin/queues';

export async function bullBoardPlugin(app: FastifyInstance, opts: { queues: VideoQueues; adminApiKey: string | undefined; authenticate: BearerAuthenticator }): Promise<void> {
  await app.register(adminAuthPlugin, { adminApiKey: opts.adminApiKey, authenticate: opts.authenticate, basicChallenge: true });
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: [new BullMQAdapter(opts.queues.pipeline), new BullMQAdapter(opts.queues.maintenance)],
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
