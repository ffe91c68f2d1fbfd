// Browser sign-in with OIDC. Both routes are page navigations, so both answer with redirects: to the issuer,
// then back to `/` signed in, or to `/?sign_in_error=<code>` when the sign-in was refused. They are registered
// (and in the OpenAPI document) only when OIDC sign-in is configured; elsewhere they are 404s like any unknown
// URL, and a deployment's document does not advertise a sign-in it does not offer.
// The pending login's cookie is SameSite=Lax, unlike the session's: the issuer's redirect back to the
// callback is a cross-site navigation, on which a Strict cookie would not be sent.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ServiceUnavailableError } from '@sora-studio/shared';
import { ERROR_RESPONSES } from '../plugins/swagger.ts';
import { secureCookies, setSessionCookie, type CookieConfig } from './session-cookie.ts';
import { OidcLoginRefused, PENDING_LOGIN_SECONDS, type OidcLoginService } from './oidc-login.service.ts';
import type { SignInLimit } from './sign-in-limit.ts';

export const OIDC_LOGIN_COOKIE = 'sora_oidc_login';
const OIDC_LOGIN_PATH = '/v1/sessions/oidc';

export interface OidcLoginRouteOptions {
  oidcLogin: OidcLoginService;
  cookies: CookieConfig;
  signInLimit: SignInLimit;
}

function refusalCode(error: unknown): string | null {
  if (error instanceof OidcLoginRefused) return error.code;
  if (error instanceof ServiceUnavailableError) return error.code ?? 'oidc_unavailable';
  return null;
}

/** Back to the app with the reason, which its sign-in page shows; the details went to the log. */
function sendBackRefused(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const code = refusalCode(error);
  if (code === null) throw error;
  request.log.warn({ code, reason: (error as Error).message }, 'OIDC sign-in refused');
  return reply.redirect(`/?sign_in_error=${encodeURIComponent(code)}`, 302);
}

/** A redirect as OpenAPI describes it: no body, the target in `Location` (@fastify/swagger reads `headers`). */
function redirectResponse(description: string, location: string) {
  return z.null().meta({ description, headers: { location: { type: 'string', description: location } } });
}

/** What a refusal that is not a redirect looks like: 429 for too many sign-in attempts. */
const SIGN_IN_LIMITED = ERROR_RESPONSES['4xx'].meta({ description: 'Too many sign-in attempts from this IP (`sign_in_rate_limited`, with Retry-After)' });

export const oidcLoginRoutes: FastifyPluginAsyncZod<OidcLoginRouteOptions> = async (app, { oidcLogin, cookies, signInLimit }) => {
  const pendingCookie = (request: FastifyRequest) => ({
    httpOnly: true, sameSite: 'lax' as const, path: OIDC_LOGIN_PATH, secure: secureCookies(request, cookies),
  });

  app.get('/sessions/oidc/start', {
    schema: {
      tags: ['sessions'],
      summary: 'Sign in with OIDC: redirects to the issuer (authorization code + PKCE)',
      description: 'A page to navigate to, not an API call. Sets `sora_oidc_login` (httpOnly, SameSite=Lax, 10 minutes), the handle of the pending login. Attempts are limited per IP (SIGN_IN_ATTEMPTS_PER_MINUTE).',
      response: {
        302: redirectResponse(
          'To the issuer\'s authorization endpoint; or, when the issuer cannot be reached, back to the app',
          'The issuer\'s authorization URL (with state, nonce and an S256 code challenge), or `/?sign_in_error=oidc_unavailable`',
        ),
        429: SIGN_IN_LIMITED,
        ...ERROR_RESPONSES,
      },
    },
  }, async (request, reply) => {
    await signInLimit(request);
    try {
      const { authorizationUrl, handle } = await oidcLogin.start();
      reply.setCookie(OIDC_LOGIN_COOKIE, handle, { ...pendingCookie(request), maxAge: PENDING_LOGIN_SECONDS });
      return reply.redirect(authorizationUrl.href, 302);
    } catch (error) {
      return sendBackRefused(request, reply, error);
    }
  });

  app.get('/sessions/oidc/callback', {
    schema: {
      tags: ['sessions'],
      summary: 'Where the issuer sends the browser back: sets the session cookie and redirects to /',
      description: 'The issuer redirects here with `code` and `state`; the browser must carry the `sora_oidc_login` cookie of the login it started. Refusals redirect with a reason: `login_expired`, `state_mismatch`, `login_denied`, `login_failed` (the ID token did not verify), `unknown_subject`, `user_disabled`, `oidc_unavailable`.',
      response: {
        302: redirectResponse('Signed in (`sora_session` set), or refused', '`/` when signed in, else `/?sign_in_error=<code>`'),
        429: SIGN_IN_LIMITED,
        ...ERROR_RESPONSES,
      },
    },
  }, async (request, reply) => {
    const handle = request.cookies[OIDC_LOGIN_COOKIE];
    reply.clearCookie(OIDC_LOGIN_COOKIE, pendingCookie(request));
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    try {
      const session = await oidcLogin.finish(handle, query);
      request.log.info({ userId: session.user.id, sessionId: session.tokenHash.slice(0, 12) }, 'signed in with OIDC');
      setSessionCookie(request, reply, cookies, session.token, session.row.expiresAt);
      return reply.redirect('/', 302);
    } catch (error) {
      return sendBackRefused(request, reply, error);
    }
  });
};
