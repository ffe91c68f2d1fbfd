// Users, as the admin sees them. Every change is written with its audit entry in one transaction; an email
// or OIDC subject that is taken is a conflict, not a 500. A change reaches every API process's key cache once
// it has committed, before it answers (auth/api-key-cache.ts), so it holds from the next request on.
import {
  ConflictError, createDefaultBudgets, newId, notFound, type BudgetLimits, type CreateUserBody, type Db, type ListUsersQuery, type UpdateUserBody, type User, type UserObject,
} from '@sora-studio/shared';
import type { ApiKeyCache } from '../auth/api-key-cache.ts';
import { listPage, type ListPage } from '../pagination.ts';
import { unixSeconds } from '../unix-seconds.ts';
import { recordAudit, type AuditEntry } from './audit-log.repo.ts';
import { findUser, insertUser, listUsers, lockUser, updateUser, type UserPatch } from './user.repo.ts';

const UNIQUE_VIOLATION = '23505';

/** The unique columns of users, by constraint name, as the API names them. */
const UNIQUE_FIELDS: Record<string, 'email' | 'oidc_subject'> = { users_email_key: 'email', users_oidc_subject_key: 'oidc_subject' };

function asConflict(error: unknown, body: { email?: string | undefined; oidc_subject?: string | null | undefined }): unknown {
  const { code, constraint } = error as { code?: string; constraint?: string };
  const field = code === UNIQUE_VIOLATION && constraint ? UNIQUE_FIELDS[constraint] : undefined;
  if (!field) return error;
  return new ConflictError(`A user with ${field} '${body[field]}' already exists.`, { param: field, code: `${field}_taken` });
}

/** The PATCH fields that map one to one onto a column. */
const SETTING_COLUMNS = {
  role: 'role',
  rate_limit_per_minute: 'rateLimitPerMinute',
  max_in_flight: 'maxInFlight',
  oidc_subject: 'oidcSubject',
} as const satisfies Record<string, keyof UserPatch>;
type SettingField = keyof typeof SETTING_COLUMNS;

/** What a PATCH changes, leaving out fields that already have the asked value, and the audit entries that say so. */
function changesOf(user: User, body: UpdateUserBody): { patch: UserPatch; audit: Omit<AuditEntry, 'actor' | 'targetId'>[] } {
  const patch: Record<string, unknown> = {};
  const audit: Omit<AuditEntry, 'actor' | 'targetId'>[] = [];
  if (body.disabled === true && user.disabledAt === null) {
    patch.disabledAt = new Date();
    audit.push({ action: 'user.disabled' });
  } else if (body.disabled === false && user.disabledAt !== null) {
    patch.disabledAt = null;
    audit.push({ action: 'user.enabled' });
  }
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of Object.keys(SETTING_COLUMNS) as SettingField[]) {
    const column = SETTING_COLUMNS[field];
    const value = body[field];
    if (value === undefined || value === user[column]) continue;
    patch[column] = value;
    changes[field] = { from: user[column], to: value };
  }
  if (Object.keys(changes).length > 0) audit.push({ action: 'user.updated', data: { changes } });
  return { patch: patch as UserPatch, audit };
}

function toUserObject(user: User): UserObject {
  return {
    id: user.id,
    object: 'user',
    name: user.name,
    email: user.email,
    role: user.role,
    created_at: unixSeconds(user.createdAt),
    disabled_at: unixSeconds(user.disabledAt),
    oidc_subject: user.oidcSubject,
    rate_limit_per_minute: user.rateLimitPerMinute,
    max_in_flight: user.maxInFlight,
  };
}

/** `defaultBudgets`: the limits every new user starts with (DEFAULT_MONTHLY/DAILY_BUDGET_MICROS). */
export function createUserService(deps: { db: Db; defaultBudgets: BudgetLimits; apiKeyCache: Pick<ApiKeyCache, 'userChanged'> }) {
  return {
    async create(actor: string, body: CreateUserBody): Promise<UserObject> {
      try {
        const user = await deps.db.transaction().execute(async (trx) => {
          const row = await insertUser(trx, { id: newId('user'), name: body.name, email: body.email ?? null, role: body.role, oidcSubject: body.oidc_subject ?? null });
          await recordAudit(trx, { actor, action: 'user.created', targetId: row.id, data: { name: row.name, email: row.email, role: row.role, oidc_subject: row.oidcSubject } });
          await createDefaultBudgets(trx, row.id, deps.defaultBudgets);
          return row;
        });
        return toUserObject(user);
      } catch (error) {
        throw asConflict(error, body);
      }
    },

    async retrieve(userId: string): Promise<UserObject> {
      const user = await findUser(deps.db, userId);
      if (!user) throw notFound('user', userId);
      return toUserObject(user);
    },

    async list(query: ListUsersQuery): Promise<ListPage<UserObject>> {
      const rows = await listUsers(deps.db, query);
      return listPage(rows, query.limit, toUserObject);
    },

    /** A disabled user's keys and tokens fail from the next request on, and a new role or limit applies from then. */
    async update(actor: string, userId: string, body: UpdateUserBody): Promise<UserObject> {
      try {
        const { user, changed } = await deps.db.transaction().execute(async (trx) => {
          const before = await lockUser(trx, userId);
          if (!before) throw notFound('user', userId);
          const { patch, audit } = changesOf(before, body);
          if (audit.length === 0) return { user: before, changed: false };
          const after = await updateUser(trx, userId, patch);
          for (const entry of audit) await recordAudit(trx, { actor, targetId: userId, ...entry });
          return { user: after, changed: true };
        });
        if (changed) await deps.apiKeyCache.userChanged(userId);
        return toUserObject(user);
      } catch (error) {
        throw asConflict(error, body);
      }
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
