// A bearer token is an API key (`sk_…`) or, when OIDC is configured, a JWT (three dot-separated parts).
// One authenticator per app, shared by /v1 and /admin, so the OIDC key set is fetched once.
import type { FastifyRequest } from 'fastify';
import { AuthenticationError, type Config, type Db } from '@sora-studio/shared';
import type { ApiKeyCache } from './api-key-cache.ts';
import type { AuthenticatedUser } from './authenticated-user.ts';
import { createOidcAuthenticator, oidcSettingsOf } from './oidc-auth.ts';

/** Resolves to the token's user, or throws AuthenticationError (401); other errors are ours. */
export type BearerAuthenticator = (token: string) => Promise<AuthenticatedUser>;

/**
 * The token of `Authorization: Bearer <token>`; null when the header is missing, has another scheme or no
 * token. Anything after the token is refused as malformed, rather than said to be missing.
 */
export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization ?? '';
  const scheme = /^Bearer(?:\s+|$)/i.exec(header);
  if (!scheme) return null;
  const credentials = header.slice(scheme[0].length).trim();
  if (credentials === '') return null;
  if (/\s/.test(credentials)) {
    throw new AuthenticationError(
      "The Authorization header is malformed: send 'Bearer YOUR_KEY', with nothing after the key.",
      { code: 'malformed_authorization_header' },
    );
  }
  return credentials;
}

/** base64url header, payload and signature; API keys never contain a dot. */
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** A bearer token in the shape of a JWT; anything else is taken for an API key. */
export function isJwtShaped(token: string): boolean {
  return JWT_SHAPE.test(token);
}

export function createBearerAuthenticator(deps: { db: Db; config: Config; apiKeys: ApiKeyCache }): BearerAuthenticator {
  const settings = oidcSettingsOf(deps.config);
  const oidc = settings ? createOidcAuthenticator(deps.db, settings) : null;
  return async (token) => {
    if (!isJwtShaped(token)) return deps.apiKeys.authenticate(token);
    if (!oidc) throw new AuthenticationError('This server does not accept OIDC tokens; send an API key.', { code: 'oidc_not_configured' });
    return oidc(token);
  };
}
