// The admin contract: users and their API keys. Requests are strict like the public ones; a key's secret
// appears in exactly one response, the one that creates it.
import { z } from 'zod';
import { IdSchema, ListVideosQuerySchema, VideoListSchema } from './video.schemas.ts';

const unixSeconds = z.number().int().nonnegative();

export const UserRoleSchema = z.enum(['user', 'admin']);

/** The `sub` claim of the OIDC tokens that authenticate as the user. */
const OidcSubjectSchema = z.string().trim().min(1, 'oidc_subject must not be empty').max(255);

export const CreateUserBodySchema = z.strictObject({
  name: z.string().trim().min(1, 'name must not be empty').max(200),
  email: z.email().max(320).optional(),
  role: UserRoleSchema.default('user'),
  oidc_subject: OidcSubjectSchema.optional(),
});
export type CreateUserBody = z.infer<typeof CreateUserBodySchema>;

export const UserObjectSchema = z.object({
  id: z.string(),
  object: z.literal('user'),
  name: z.string(),
  email: z.string().nullable(),
  role: UserRoleSchema,
  created_at: unixSeconds,
  disabled_at: unixSeconds.nullable(),
  oidc_subject: z.string().nullable(),
  /** null: the role's default from config. */
  rate_limit_per_minute: z.number().int().positive().nullable(),
  /** null: MAX_IN_FLIGHT_PER_USER from config. */
  max_in_flight: z.number().int().positive().nullable(),
});
export type UserObject = z.infer<typeof UserObjectSchema>;

/** Keyset paging by id, newest first by default, like the video list. */
export const ListUsersQuerySchema = ListVideosQuerySchema.pick({ after: true, limit: true, order: true });
export type ListUsersQuery = z.infer<typeof ListUsersQuerySchema>;

/** The same cursor page as the video list, of users. */
export const UserListSchema = VideoListSchema.extend({ data: z.array(UserObjectSchema) });

/**
 * An admin's change to a user; only the fields given change. A disabled user's keys and tokens stop
 * working at once; `null` returns a limit to its default. Budgets have a route of their own.
 */
export const UpdateUserBodySchema = z.strictObject({
  disabled: z.boolean().optional(),
  role: UserRoleSchema.optional(),
  rate_limit_per_minute: z.number().int().positive().max(1_000_000).nullable().optional(),
  max_in_flight: z.number().int().positive().max(100_000).nullable().optional(),
  oidc_subject: OidcSubjectSchema.nullable().optional(),
}).refine((body) => Object.keys(body).length > 0, 'give at least one field to change');
export type UpdateUserBody = z.infer<typeof UpdateUserBodySchema>;

export const UserIdParamsSchema = z.object({ user_id: IdSchema });
export const ApiKeyIdParamsSchema = z.object({ key_id: IdSchema });

export const CreateApiKeyBodySchema = z.strictObject({
  name: z.string().trim().min(1, 'name must not be empty').max(200).optional(),
});
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBodySchema>;

export const ApiKeyObjectSchema = z.object({
  id: z.string(),
  object: z.literal('api_key'),
  user_id: z.string(),
  name: z.string(),
  /** The first characters of the key: enough to recognise it, not to use it. */
  prefix: z.string(),
  created_at: unixSeconds,
  last_used_at: unixSeconds.nullable(),
  revoked_at: unixSeconds.nullable(),
});
export type ApiKeyObject = z.infer<typeof ApiKeyObjectSchema>;

/** The answer to creating a key: the only time the key itself is shown. */
export const ApiKeyCreatedSchema = ApiKeyObjectSchema.extend({ key: z.string() });
export type ApiKeyCreated = z.infer<typeof ApiKeyCreatedSchema>;

export const ApiKeyListSchema = z.object({
  object: z.literal('list'),
  data: z.array(ApiKeyObjectSchema),
});

export const ApiKeyRevokedSchema = z.object({
  id: z.string(),
  object: z.literal('api_key.revoked'),
  revoked: z.boolean(),
});
