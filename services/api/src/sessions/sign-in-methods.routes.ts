// GET /v1/session/methods: how this server lets people sign in, for the sign-in page before anyone is signed
// in, so outside the /v1 auth hook. It names no user and no secret: only whether OIDC is set up and where it starts.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { SignInMethodsSchema, type SignInMethods } from '@sora-studio/shared';
import { ERROR_RESPONSES } from '../plugins/swagger.ts';

/** Where oidc-login.routes.ts starts a sign-in, under the /v1 prefix. */
export const OIDC_START_PATH = '/v1/sessions/oidc/start';

export const signInMethodsRoutes: FastifyPluginAsyncZod<{ oidcEnabled: boolean }> = async (app, { oidcEnabled }) => {
  const methods: SignInMethods = {
    object: 'sign_in_methods',
    api_key: { enabled: true },
    oidc: { enabled: oidcEnabled, start_url: oidcEnabled ? OIDC_START_PATH : null },
  };

  app.get('/session/methods', {
    schema: {
      tags: ['sessions'],
      summary: 'How this server lets people sign in (no credentials needed)',
      description: 'Always an API key (`POST /v1/sessions`); OIDC when the deployment configured it, started by navigating to `oidc.start_url`.',
      response: { 200: SignInMethodsSchema, ...ERROR_RESPONSES },
    },
  }, async () => methods);
};
