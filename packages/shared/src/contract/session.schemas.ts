// The browser session contract: sign in with an API key (or OIDC), ask who you are, sign out. The cookie
// carries the session; the CSRF token in these answers goes in `X-CSRF-Token` on every state-changing call.
import { z } from 'zod';
import { UserRoleSchema } from './admin.schemas.ts';

export const SESSION_COOKIE = 'sora_session';
export const CSRF_HEADER = 'x-csrf-token';

export const CreateSessionBodySchema = z.strictObject({
  /** Optional here because the key may come as `Authorization: Bearer` instead (a client that always sends a JSON body sends `{}`); the route answers 401 `missing_api_key` when neither has it. */
  api_key: z.string().min(1, 'api_key must not be empty').max(512).optional(),
});
export type CreateSessionBody = z.infer<typeof CreateSessionBodySchema>;

export const SessionObjectSchema = z.object({
  object: z.literal('session'),
  user: z.object({ id: z.string(), name: z.string(), role: UserRoleSchema }),
  /** How the session was made: with an API key (its prefix) or by OIDC sign-in (the subject). */
  credential: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('api_key'), key_prefix: z.string() }),
    z.object({ kind: z.literal('oidc'), subject: z.string() }),
  ]),
  created_at: z.number().int().nonnegative(),
  expires_at: z.number().int().nonnegative(),
  /** Send it as `X-CSRF-Token` with every POST, PATCH, PUT and DELETE the cookie authenticates. */
  csrf_token: z.string(),
});
export type SessionObject = z.infer<typeof SessionObjectSchema>;

export const DeletedSessionSchema = z.object({ object: z.literal('session'), deleted: z.literal(true) });

/** GET /v1/session/methods (no credentials needed): how this server lets people sign in, for the sign-in page. */
export const SignInMethodsSchema = z.object({
  object: z.literal('sign_in_methods'),
  api_key: z.object({ enabled: z.literal(true) }),
  oidc: z.object({
    enabled: z.boolean(),
    /** The page to navigate to for an OIDC sign-in; null when OIDC is not configured. */
    start_url: z.string().nullable(),
  }),
});
export type SignInMethods = z.infer<typeof SignInMethodsSchema>;
