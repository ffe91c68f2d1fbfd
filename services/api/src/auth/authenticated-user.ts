// Who made a request and with which credential: what authentication leaves on the request, what the
// rate limiter keys on, and what every later log line of the request names.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { UserRole } from '@sora-studio/shared';
import { bindLog } from '../plugins/request-id.ts';

export type Credential =
  | { kind: 'api_key'; apiKeyId: string; keyPrefix: string }
  | { kind: 'oidc'; subject: string };

export interface AuthenticatedUser {
  id: string;
  role: UserRole;
  /** The user's own requests per minute; null takes the role's default from config. */
  rateLimitPerMinute: number | null;
  credential: Credential;
}

/** The audit actor and rate-limit bucket of a request made with the deployment's ADMIN_API_KEY. */
export const ADMIN_KEY_ACTOR = 'admin-key';

/**
 * From here on every line of the request, the access log included, names the user and the key's prefix
 * (or the token's subject), never the secret itself.
 */
export function bindCaller(request: FastifyRequest, reply: FastifyReply, user: AuthenticatedUser): void {
  const { credential } = user;
  const bindings: Record<string, string> = credential.kind === 'api_key'
    ? { userId: user.id, keyPrefix: credential.keyPrefix }
    : { userId: user.id, oidcSubject: credential.subject };
  bindLog(request, reply, bindings);
}
