// The admin contract: users and their API keys. Requests are strict like the public ones; a key's secret
// appears in exactly one response, the one that creates it.
import { z } from 'zod';
import { ListVideosQuerySchema, VideoListSchema } from './video.schemas.ts';

const unixSeconds = z.number().int().nonnegative();

export const UserRoleSchema = z.enum(['user', 'admin']);

export const CreateUserBodySchema = z.strictObject({
  name: z.string().trim().min(1, 'name must not be empty').max(200),
  email: z.email().max(320).optional(),
  role: UserRoleSchema.default('user'),
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
});
export type UserObject = z.infer<typeof UserObjectSchema>;

/** Keyset paging by id, newest first by default, like the video list. */
export const ListUsersQuerySchema = ListVideosQuerySchema.pick({ after: true, limit: true, order: true });
export type ListUsersQuery = z.infer<typeof ListUsersQuerySchema>;

/** The same cursor page as the video list, of users. */
export const UserListSchema = VideoListSchema.extend({ data: z.array(UserObjectSchema) });

export const UserIdParamsSchema = z.object({ user_id: z.string().min(1).max(128) });
export const ApiKeyIdParamsSchema = z.object({ key_id: z.string().min(1).max(128) });

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
