// API keys: the admin's, for any user, and a signed-in user's own (self-service). The key is generated here
// and shown once; only its hash is kept. Creating and revoking a key are written with their audit entry in
// one transaction; the actor is the admin (or 'admin-key'), or the user managing their own keys. A revoke
// reaches every API process's key cache once it has committed, before it answers (auth/api-key-cache.ts).
import { generateApiKey, newId, notFound, type ApiKey, type ApiKeyCreated, type ApiKeyObject, type Db } from '@sora-studio/shared';
import { recordAudit } from '../admin/audit-log.repo.ts';
import type { ApiKeyCache } from '../auth/api-key-cache.ts';
import { findUser } from '../admin/user.repo.ts';
import { unixSeconds } from '../unix-seconds.ts';
import { insertApiKey, listApiKeys, revokeApiKey } from './api-key.repo.ts';

type ApiKeyList = { object: 'list'; data: ApiKeyObject[] };
type ApiKeyRevoked = { id: string; object: 'api_key.revoked'; revoked: true };

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

export function createApiKeyService(deps: { db: Db; apiKeyCache: Pick<ApiKeyCache, 'userChanged'> }) {
  async function requireUser(db: Db, userId: string): Promise<void> {
    if (!(await findUser(db, userId))) throw notFound('user', userId);
  }

  async function revoke(actor: string, keyId: string, ownerId?: string): Promise<ApiKeyRevoked> {
    const revoked = await deps.db.transaction().execute(async (trx) => {
      const found = await revokeApiKey(trx, keyId, ownerId);
      if (!found) throw notFound('api_key', keyId, 'key_id');
      if (found.revokedNow) {
        await recordAudit(trx, { actor, action: 'api_key.revoked', targetId: keyId, data: { user_id: found.key.userId, prefix: found.key.prefix } });
      }
      return found;
    });
    await deps.apiKeyCache.userChanged(revoked.key.userId);
    return { id: keyId, object: 'api_key.revoked', revoked: true };
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

    /** The admin's view: oldest first. */
    async list(userId: string): Promise<ApiKeyList> {
      await requireUser(deps.db, userId);
      const keys = await listApiKeys(deps.db, userId);
      return { object: 'list', data: keys.map(toApiKeyObject) };
    },

    /** Any user's key: the admin's revoke. */
    revoke: (actor: string, keyId: string) => revoke(actor, keyId),

    /** The signed-in user's own keys, newest first, revoked ones included (with revoked_at). */
    async listOwn(userId: string): Promise<ApiKeyList> {
      const keys = await listApiKeys(deps.db, userId, 'desc');
      return { object: 'list', data: keys.map(toApiKeyObject) };
    },

    /** The user's own key only: another user's key id is a 404, the same as one that does not exist. */
    revokeOwn: (userId: string, keyId: string) => revoke(userId, keyId, userId),
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
