// Browser sign-in with OIDC: the authorization code flow with PKCE (S256), state and nonce, done by
// openid-client against OIDC_ISSUER's discovered endpoints. `start` keeps the login's secrets (state, nonce,
// code verifier) in Redis for 10 minutes under the sha256 of a random handle that only the starting
// browser holds (a cookie), so a callback is accepted once, from that browser, with that state. `finish`
// exchanges the code, has the ID token checked (issuer, audience, expiry, nonce, and its signature against
// the issuer's JWKS), matches the user by `sub` (users.oidc_subject) or, with OIDC_JIT_USERS, creates them
// as an admin would, and opens a session. Every refusal is an OidcLoginRefused with a code for the page.
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import * as oidc from 'openid-client';
import { z } from 'zod';
import { ConflictError, ServiceUnavailableError, type Config, type Db, type Logger } from '@sora-studio/shared';
import { findUserByOidcSubject } from '../admin/user.repo.ts';
import type { UserService } from '../admin/user.service.ts';
import type { SessionService, SignedInSession } from './session.service.ts';

export interface OidcLoginSettings {
  issuer: URL;
  clientId: string;
  /** Absent for a public client, which PKCE alone protects. */
  clientSecret: string | undefined;
  redirectUrl: URL;
  jitUsers: boolean;
}

/** null when browser sign-in with OIDC is not configured (config.ts makes its variables all or nothing). */
export function oidcLoginSettingsOf(config: Config): OidcLoginSettings | null {
  const { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: clientId, OIDC_REDIRECT_URL: redirectUrl } = config;
  if (!issuer || !clientId || !redirectUrl) return null;
  return { issuer: new URL(issuer), clientId, clientSecret: config.OIDC_CLIENT_SECRET, redirectUrl: new URL(redirectUrl), jitUsers: config.OIDC_JIT_USERS };
}

/** How long a started login may take at the issuer before its callback is refused. */
export const PENDING_LOGIN_SECONDS = 600;
const SCOPE = 'openid profile email';
/** The audit actor of users created on their first OIDC sign-in. */
export const OIDC_JIT_ACTOR = 'oidc-jit';

/** A sign-in that did not happen, with the code the browser is sent back with (`/?sign_in_error=<code>`). */
export class OidcLoginRefused extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

const PendingLoginSchema = z.object({ state: z.string(), nonce: z.string(), codeVerifier: z.string() });

/** The name a just-in-time user gets: what the ID token calls them, as Postgres can store it. */
function nameFromClaims(claims: oidc.IDToken): string {
  const candidates = [claims.name, claims.preferred_username, claims.email, claims.sub];
  const chosen = candidates.find((value): value is string => typeof value === 'string' && value.trim() !== '') ?? claims.sub;
  return chosen.replaceAll('\0', '').toWellFormed().trim().slice(0, 200) || 'OIDC user';
}

export function createOidcLoginService(deps: {
  db: Db;
  redis: Redis;
  prefix: string;
  settings: OidcLoginSettings;
  sessions: SessionService;
  users: UserService;
  logger: Logger;
}) {
  const { settings } = deps;
  const pendingKey = (handle: string) => `${deps.prefix}:oidc-login:${createHash('sha256').update(handle).digest('hex')}`;

  // Discovered once per process; a failure is forgotten, so the next sign-in tries again.
  let discovered: Promise<oidc.Configuration> | null = null;
  function configuration(): Promise<oidc.Configuration> {
    discovered ??= oidc.discovery(
      settings.issuer,
      settings.clientId,
      settings.clientSecret,
      settings.clientSecret === undefined ? oidc.None() : oidc.ClientSecretBasic(settings.clientSecret),
      // An http:// issuer is taken as the operator wrote it (a local or test issuer); https is the norm.
      { execute: [oidc.enableNonRepudiationChecks, ...(settings.issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : [])] },
    ).catch((error: unknown) => {
      discovered = null;
      deps.logger.warn({ err: error, issuer: settings.issuer.href }, 'OIDC discovery failed');
      throw new ServiceUnavailableError('The OIDC issuer could not be reached. Try again shortly.', { code: 'oidc_unavailable' });
    });
    return discovered;
  }

  async function userFor(claims: oidc.IDToken) {
    const found = await findUserByOidcSubject(deps.db, claims.sub);
    if (found) return found;
    if (!settings.jitUsers) {
      throw new OidcLoginRefused('unknown_subject', 'No Sora Studio user is linked to this OIDC account; ask an admin to add you.');
    }
    try {
      await deps.users.create(OIDC_JIT_ACTOR, { name: nameFromClaims(claims), role: 'user', oidc_subject: claims.sub });
    } catch (error) {
      // A concurrent first sign-in of the same account created the user first: use theirs.
      if (!(error instanceof ConflictError && error.param === 'oidc_subject')) throw error;
    }
    const created = await findUserByOidcSubject(deps.db, claims.sub);
    if (!created) throw new Error('the user just created for an OIDC subject is missing');
    deps.logger.info({ userId: created.id, oidcSubject: claims.sub }, 'created a user on their first OIDC sign-in');
    return created;
  }

  async function exchange(config: oidc.Configuration, callbackUrl: URL, pending: z.infer<typeof PendingLoginSchema>): Promise<oidc.IDToken> {
    try {
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new OidcLoginRefused('login_failed', 'The issuer sent no ID token.');
      return claims;
    } catch (error) {
      if (error instanceof OidcLoginRefused) throw error;
      deps.logger.warn({ err: error }, 'OIDC sign-in refused');
      if (error instanceof oidc.AuthorizationResponseError) throw new OidcLoginRefused('login_denied', 'The issuer did not sign you in.');
      if (error instanceof oidc.ClientError || error instanceof oidc.ResponseBodyError) {
        throw new OidcLoginRefused('login_failed', 'The issuer\'s answer could not be verified.');
      }
      throw new OidcLoginRefused('oidc_unavailable', 'The OIDC issuer could not be reached. Try again shortly.');
    }
  }

  return {
    /** The issuer's authorization URL to send the browser to, and the handle its cookie must carry back. */
    async start(): Promise<{ authorizationUrl: URL; handle: string }> {
      const config = await configuration();
      const pending = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
      const handle = randomBytes(32).toString('base64url');
      await deps.redis.set(pendingKey(handle), JSON.stringify(pending), 'EX', PENDING_LOGIN_SECONDS);
      const authorizationUrl = oidc.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUrl.href,
        scope: SCOPE,
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
        code_challenge_method: 'S256',
      });
      return { authorizationUrl, handle };
    },

    /** `query`: the callback's query string as received. The pending login is used up, whatever the outcome. */
    async finish(handle: string | undefined, query: string): Promise<SignedInSession> {
      const stored = handle ? await deps.redis.getdel(pendingKey(handle)) : null;
      if (!stored) throw new OidcLoginRefused('login_expired', 'No sign-in was pending in this browser, or it took too long. Start again.');
      const pending = PendingLoginSchema.parse(JSON.parse(stored));
      const callbackUrl = new URL(settings.redirectUrl);
      callbackUrl.search = query;
      if (callbackUrl.searchParams.get('state') !== pending.state) {
        throw new OidcLoginRefused('state_mismatch', 'The sign-in\'s state does not match the one this browser started.');
      }
      const config = await configuration();
      const claims = await exchange(config, callbackUrl, pending);
      const user = await userFor(claims);
      if (user.disabledAt) throw new OidcLoginRefused('user_disabled', 'Your Sora Studio user is disabled.');
      return deps.sessions.signInWithOidc(user.id, claims.sub);
    },
  };
}

export type OidcLoginService = ReturnType<typeof createOidcLoginService>;
