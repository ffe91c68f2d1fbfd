// API keys' answers (key → user, role, rate limit) cached in this process, so a request with a known key costs
// no Postgres round trip. Why in-process entries checked against a Redis epoch (auth-epoch.ts) on every use,
// rather than a TTL alone or pub/sub invalidation: a revoke, a disable or a limit change must hold from the
// next request on in every API process, and a pub/sub message can still be on its way when that request comes.
// On /v1 the check rides in the rate limit's script (plugins/auth.ts), so it costs no round trip of its own;
// elsewhere (/admin, Bull Board) it is one Redis GET. While Redis cannot be asked no entry is trusted and every
// request reads Postgres, as before the cache. The TTL bounds an entry whose change could not reach Redis.
import { hashApiKey, type Db } from '@sora-studio/shared';
import { loadApiKeyUser, touchIfDue, type LoadedApiKey } from './api-key-auth.ts';
import type { AuthEpochGuard, AuthEpochs } from './auth-epoch.ts';
import type { AuthenticatedUser } from './authenticated-user.ts';

const ENTRY_TTL_MS = 10_000;
/** A bound on memory; the oldest entry goes first. */
const MAX_ENTRIES = 10_000;

interface Entry {
  user: AuthenticatedUser;
  guard: AuthEpochGuard;
  expiresAt: number;
  lastUsedMs: number | null;
}

/** An entry not yet checked: trust it only once its guard has held. */
export interface CachedApiKey {
  hash: string;
  user: AuthenticatedUser;
  guard: AuthEpochGuard;
}

export interface ApiKeyCache {
  /** The key's user, checked: from a held entry, else from Postgres (cached when its epoch could be read first). */
  authenticate(key: string): Promise<AuthenticatedUser>;
  /** The unexpired entry for the key, unchecked; the caller checks its guard (in the rate limit's script). */
  candidate(key: string): CachedApiKey | undefined;
  /** The candidate's guard held: the request is the key's; writes last_used_at when due. */
  used(cached: CachedApiKey): Promise<void>;
  /** The candidate's guard did not hold, or could not be checked. */
  forget(cached: CachedApiKey): void;
  /** After a change of the user or one of their keys has committed, in every API process. */
  userChanged(userId: string): Promise<void>;
}

export function createApiKeyCache(deps: { db: Db; epochs: AuthEpochs }): ApiKeyCache {
  const entries = new Map<string, Entry>();

  function remember(hash: string, entry: Entry): void {
    entries.delete(hash);
    if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    entries.set(hash, entry);
  }

  /** `redisSilent`: Redis just failed to answer, so the row is read without trying to cache it. */
  async function load(key: string, hash: string, redisSilent = false): Promise<AuthenticatedUser> {
    if (redisSilent) {
      entries.delete(hash);
      return (await loadApiKeyUser(deps.db, key, hash)).user;
    }
    // An expired entry still names the key's user (a key's user never changes), so its epoch can be read first.
    const knownUserId = entries.get(hash)?.user.id;
    let guard = knownUserId ? await deps.epochs.open(knownUserId) : null;
    let loaded: LoadedApiKey;
    try {
      loaded = await loadApiKeyUser(deps.db, key, hash);
      if (!knownUserId) {
        // First sight of the key: its user is known only now, and what is cached must be read after the epoch,
        // so that a change committing in between renews the epoch and the entry never holds.
        guard = await deps.epochs.open(loaded.user.id);
        if (guard) loaded = await loadApiKeyUser(deps.db, key, hash);
      }
    } catch (error) {
      entries.delete(hash);
      throw error;
    }
    if (guard) remember(hash, { user: loaded.user, guard, expiresAt: Date.now() + ENTRY_TTL_MS, lastUsedMs: loaded.lastUsedMs });
    else entries.delete(hash);
    return loaded.user;
  }

  async function markUsed(entry: Entry): Promise<void> {
    if (entry.user.credential.kind !== 'api_key') return;
    entry.lastUsedMs = await touchIfDue(deps.db, entry.user.credential.apiKeyId, entry.lastUsedMs);
  }

  /** Expired entries stay (they name their key's user) until replaced or pushed out by newer ones. */
  function unexpired(hash: string): Entry | undefined {
    const entry = entries.get(hash);
    return entry && entry.expiresAt > Date.now() ? entry : undefined;
  }

  return {
    async authenticate(key) {
      const hash = hashApiKey(key);
      const entry = unexpired(hash);
      if (!entry) return load(key, hash);
      const check = await deps.epochs.holds(entry.guard);
      if (check !== 'held') return load(key, hash, check === 'unavailable');
      await markUsed(entry);
      return entry.user;
    },

    candidate(key) {
      const hash = hashApiKey(key);
      const entry = unexpired(hash);
      return entry && { hash, user: entry.user, guard: entry.guard };
    },

    async used(cached) {
      const entry = entries.get(cached.hash);
      if (entry?.guard === cached.guard) await markUsed(entry);
    },

    forget(cached) {
      if (entries.get(cached.hash)?.guard === cached.guard) entries.delete(cached.hash);
    },

    async userChanged(userId) {
      for (const [hash, entry] of entries) if (entry.user.id === userId) entries.delete(hash);
      await deps.epochs.renew(userId);
    },
  };
}
