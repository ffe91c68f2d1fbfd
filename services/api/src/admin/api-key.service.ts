// API keys, as the admin sees them. The key is generated here and shown once; only its hash is kept.
import { generateApiKey, newId, notFound, type ApiKey, type ApiKeyCreated, type ApiKeyObject, type Db } from '@sora-studio/shared';
import { unixSeconds } from '../pagination.ts';
import { insertApiKey, listApiKeys, revokeApiKey } from './api-key.repo.ts';
import { findUser } from './user.repo.ts';

function toApiKeyObject(key: Omit<ApiKey, 'hash'>): ApiKeyObject {
  return {
    id: key.id,
    object: 'api_key',
    user_id: key.userId,
    name: key.name,
    prefix: key.prefix,
    created_at: unixSeconds(key.createdAt),
    last_used_at: unixSeconds(key.lastUsedAt),
    revoked_at: unixSeconds(key.revokedAt),
  };
}

export function createApiKeyService(deps: { db: Db }) {
  async function requireUser(userId: string): Promise<void> {
    if (!(await findUser(deps.db, userId))) throw notFound('user', userId);
  }

  return {
    async create(userId: string, name = 'default'): Promise<ApiKeyCreated> {
      await requireUser(userId);
      const generated = generateApiKey();
      const row = await insertApiKey(deps.db, { id: newId('key'), userId, name, prefix: generated.prefix, hash: generated.hash });
      return { ...toApiKeyObject(row), key: generated.key };
    },

    async list(userId: string): Promise<{ object: 'list'; data: ApiKeyObject[] }> {
      await requireUser(userId);
      const keys = await listApiKeys(deps.db, userId);
      return { object: 'list', data: keys.map(toApiKeyObject) };
    },

    async revoke(keyId: string): Promise<{ id: string; object: 'api_key.revoked'; revoked: true }> {
      if (!(await revokeApiKey(deps.db, keyId))) throw notFound('api_key', keyId);
      return { id: keyId, object: 'api_key.revoked', revoked: true };
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
