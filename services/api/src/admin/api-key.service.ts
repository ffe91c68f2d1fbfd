// API keys, as the admin sees them. The key is generated here and shown once; only its hash is kept.
// Creating and revoking a key are written with their audit entry in one transaction.
import { generateApiKey, newId, notFound, type ApiKey, type ApiKeyCreated, type ApiKeyObject, type Db } from '@sora-studio/shared';
import { unixSeconds } from '../unix-seconds.ts';
import { insertApiKey, listApiKeys, revokeApiKey } from './api-key.repo.ts';
import { recordAudit } from './audit-log.repo.ts';
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
  async function requireUser(db: Db, userId: string): Promise<void> {
    if (!(await findUser(db, userId))) throw notFound('user', userId);
  }

  return {
    async create(actor: string, userId: string, name = 'default'): Promise<ApiKeyCreated> {
      const generated = generateApiKey();
      const row = await deps.db.transaction().execute(async (trx) => {
        await requireUser(trx, userId);
        const inserted = await insertApiKey(trx, { id: newId('key'), userId, name, prefix: generated.prefix, hash: generated.hash });
        await recordAudit(trx, { actor, action: 'api_key.created', targetId: inserted.id, data: { user_id: userId, name, prefix: inserted.prefix } });
        return inserted;
      });
      return { ...toApiKeyObject(row), key: generated.key };
    },

    async list(userId: string): Promise<{ object: 'list'; data: ApiKeyObject[] }> {
      await requireUser(deps.db, userId);
      const keys = await listApiKeys(deps.db, userId);
      return { object: 'list', data: keys.map(toApiKeyObject) };
    },

    async revoke(actor: string, keyId: string): Promise<{ id: string; object: 'api_key.revoked'; revoked: true }> {
      await deps.db.transaction().execute(async (trx) => {
        const revoked = await revokeApiKey(trx, keyId);
        if (!revoked) throw notFound('api_key', keyId, 'key_id');
        if (revoked.revokedNow) {
          await recordAudit(trx, { actor, action: 'api_key.revoked', targetId: keyId, data: { user_id: revoked.key.userId, prefix: revoked.key.prefix } });
        }
      });
      return { id: keyId, object: 'api_key.revoked', revoked: true };
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
