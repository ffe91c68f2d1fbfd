// Browser sessions. Signing in (with an API key, or by OIDC) makes a random token for the cookie and keeps
// only its sha256. Every request the cookie carries looks the session up again, with its user and key, so
// sign-out, an expired session, a revoked key and a disabled user all end it from the next request on.
// Sessions do not slide: SESSION_TTL_SECONDS counts from sign-in, which bounds what a stolen cookie is worth.
// A response that stays open (an event stream) listens for its session's end (session-ended.ts).
import { createHash, randomBytes } from 'node:crypto';
import { AuthenticationError, type Db, type SessionObject } from '@sora-studio/shared';
import type { AuthenticatedUser } from '../auth/authenticated-user.ts';
import { authenticateApiKey } from '../auth/api-key-auth.ts';
import { unixSeconds } from '../unix-seconds.ts';
import { csrfTokenOf } from './csrf.ts';
import { createSessionEndedHooks, type SessionEndedListener } from './session-ended.ts';
import { findSession, insertSession, revokeSession, touchSession, type SessionRow } from './session.repo.ts';

/** last_seen_at is a hint, written at most once a minute per session. */
const TOUCH_INTERVAL_MS = 60_000;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A session the cookie's token opened, on the request it authenticated. */
export interface SignedInSession {
  /** The cookie's value; needed again only to derive the CSRF token. */
  token: string;
  /** sha256 of the token, hex: what the row is keyed by. A short prefix of it names the session in logs. */
  tokenHash: string;
  user: AuthenticatedUser;
  row: SessionRow;
  /** Calls `listener` once when this session is signed out (in this process) or expires; returns the unsubscribe. */
  onEnded(listener: SessionEndedListener): () => void;
}

function sessionEnded(message: string, code: string): AuthenticationError {
  return new AuthenticationError(message, { code });
}

function toAuthenticatedUser(row: SessionRow): AuthenticatedUser {
  const credential = row.apiKeyId !== null
    ? { kind: 'api_key' as const, apiKeyId: row.apiKeyId, keyPrefix: row.keyPrefix ?? '' }
    : { kind: 'oidc' as const, subject: row.oidcSubject ?? '' };
  return { id: row.userId, role: row.role, rateLimitPerMinute: row.rateLimitPerMinute, credential };
}

export function toSessionObject(session: Pick<SignedInSession, 'token' | 'row'>): SessionObject {
  const { row } = session;
  return {
    object: 'session',
    user: { id: row.userId, name: row.userName, role: row.role },
    credential: row.apiKeyId !== null ? { kind: 'api_key', key_prefix: row.keyPrefix ?? '' } : { kind: 'oidc', subject: row.oidcSubject ?? '' },
    created_at: unixSeconds(row.createdAt),
    expires_at: unixSeconds(row.expiresAt),
    csrf_token: csrfTokenOf(session.token),
  };
}

export function createSessionService(deps: { db: Db; ttlSeconds: number }) {
  const { db } = deps;
  const ended = createSessionEndedHooks();

  function signedIn(token: string, tokenHash: string, row: SessionRow): SignedInSession {
    return { token, tokenHash, user: toAuthenticatedUser(row), row, onEnded: (listener) => ended.subscribe(tokenHash, row.expiresAt, listener) };
  }

  async function open(userId: string, credential: { apiKeyId: string | null; oidcSubject: string | null }): Promise<SignedInSession> {
    const token = randomBytes(32).toString('base64url');
    const tokenHash = hashToken(token);
    await insertSession(db, { tokenHash, userId, ...credential, ttlSeconds: deps.ttlSeconds });
    const row = await findSession(db, tokenHash);
    if (!row) throw new Error('the session just inserted is missing');
    return signedIn(token, tokenHash, row);
  }

  return {
    /** The key's own refusals (unknown, revoked, disabled user) are the 401s of sign-in. */
    async signInWithApiKey(apiKey: string): Promise<SignedInSession> {
      const user = await authenticateApiKey(db, apiKey);
      if (user.credential.kind !== 'api_key') throw new Error('an API key authenticated as something else');
      return open(user.id, { apiKeyId: user.credential.apiKeyId, oidcSubject: null });
    },

    /** After an OIDC sign-in: the caller has matched (or created) the user by the ID token's `sub`. */
    async signInWithOidc(userId: string, subject: string): Promise<SignedInSession> {
      return open(userId, { apiKeyId: null, oidcSubject: subject });
    },

    /** Throws AuthenticationError (401) for a session that is unknown or has ended, whatever ended it. */
    async authenticate(token: string): Promise<SignedInSession> {
      const tokenHash = hashToken(token);
      const row = await findSession(db, tokenHash);
      if (!row) throw sessionEnded('The session cookie is unknown. Sign in again.', 'invalid_session');
      if (row.revokedAt) throw sessionEnded('The session has been signed out. Sign in again.', 'session_revoked');
      if (row.expired) throw sessionEnded('The session has expired. Sign in again.', 'session_expired');
      if (row.userDisabledAt) throw sessionEnded('The session\'s user is disabled.', 'user_disabled');
      if (row.keyRevokedAt) throw sessionEnded('The API key this session was made with has been revoked. Sign in again.', 'invalid_api_key');
      if (Date.now() - row.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) await touchSession(db, tokenHash, TOUCH_INTERVAL_MS);
      return signedIn(token, tokenHash, row);
    },

    async signOut(session: Pick<SignedInSession, 'tokenHash'>): Promise<void> {
      await revokeSession(db, session.tokenHash);
      ended.fire(session.tokenHash, 'signed_out');
    },

    /** What signOut fires; for callers that hold a token hash rather than a SignedInSession. */
    onSessionEnded(tokenHash: string, expiresAt: Date, listener: SessionEndedListener): () => void {
      return ended.subscribe(tokenHash, expiresAt, listener);
    },

    /** Listeners waiting for a session's end in this process. */
    get endedListeners(): number {
      return ended.size;
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
