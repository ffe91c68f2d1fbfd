// Optional OIDC login: a JWT signed with one of the issuer's keys (fetched from OIDC_JWKS_URL and cached),
// with the configured issuer and audience, authenticates as the user whose oidc_subject is its `sub`.
import { createRemoteJWKSet, jwtVerify, errors } from 'jose';
import { AuthenticationError, ServiceUnavailableError, type AppError, type Config, type Db } from '@sora-studio/shared';
import { findUserByOidcSubject } from '../admin/user.repo.ts';
import type { AuthenticatedUser } from './authenticated-user.ts';

export interface OidcSettings {
  issuer: string;
  audience: string;
  jwksUrl: string;
}

/** null when OIDC is not configured (config.ts makes the three variables all or nothing). */
export function oidcSettingsOf(config: Config): OidcSettings | null {
  const { OIDC_ISSUER: issuer, OIDC_AUDIENCE: audience, OIDC_JWKS_URL: jwksUrl } = config;
  return issuer && audience && jwksUrl ? { issuer, audience, jwksUrl } : null;
}

/** Small clock differences between the issuer and us must not bounce fresh tokens. */
const CLOCK_TOLERANCE_SECONDS = 5;

/** jose's errors that say the token is bad; any other failure is ours (the JWKS could not be fetched). */
const TOKEN_ERROR_CODES: ReadonlySet<string> = new Set([
  'ERR_JWT_INVALID', 'ERR_JWS_INVALID', 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED', 'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS', 'ERR_JOSE_ALG_NOT_ALLOWED', 'ERR_JOSE_NOT_SUPPORTED',
]);

function verificationError(error: unknown): AppError {
  if (error instanceof errors.JWTExpired) {
    return new AuthenticationError('The token has expired.', { code: 'token_expired' });
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    // jose's messages name the claim and never echo the token: 'unexpected "aud" claim value'.
    return new AuthenticationError(`The token was refused: ${error.message}.`, { code: 'invalid_token' });
  }
  if (error instanceof errors.JOSEError && TOKEN_ERROR_CODES.has(error.code)) {
    return new AuthenticationError('The token could not be verified with the issuer\'s keys.', { code: 'invalid_token' });
  }
  const unavailable = new ServiceUnavailableError('The OIDC issuer\'s keys could not be fetched. Try again shortly.', { code: 'oidc_unavailable' });
  unavailable.cause = error;
  return unavailable;
}

export function createOidcAuthenticator(db: Db, settings: OidcSettings): (token: string) => Promise<AuthenticatedUser> {
  // One key set per process: jose caches it, and refetches it when a token names a key it has not seen.
  const jwks = createRemoteJWKSet(new URL(settings.jwksUrl));

  async function subjectOf(token: string): Promise<string> {
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: settings.issuer,
        audience: settings.audience,
        requiredClaims: ['sub'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      return payload.sub!;
    } catch (error) {
      throw verificationError(error);
    }
  }

  return async (token) => {
    const subject = await subjectOf(token);
    const user = await findUserByOidcSubject(db, subject);
    if (!user) throw new AuthenticationError(`No user is linked to the token's subject '${subject}'.`, { code: 'unknown_subject' });
    if (user.disabledAt) throw new AuthenticationError('The token\'s user is disabled.', { code: 'user_disabled' });
    return { id: user.id, role: user.role, rateLimitPerMinute: user.rateLimitPerMinute, credential: { kind: 'oidc', subject } };
  };
}
