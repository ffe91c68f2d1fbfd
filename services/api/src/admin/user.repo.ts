// User queries of the admin API, and the OIDC subject lookup authentication makes.
import { sql } from 'kysely';
import type { Db, User, UserRole } from '@sora-studio/shared';
import { afterCursor, type SortOrder } from '../pagination.ts';

export type UserPatch = Partial<Pick<User, 'role' | 'disabledAt' | 'rateLimitPerMinute' | 'maxInFlight' | 'oidcSubject'>>;

export async function insertUser(db: Db, row: { id: string; name: string; email: string | null; role: UserRole; oidcSubject: string | null }): Promise<User> {
  return db.insertInto('users').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findUser(db: Db, userId: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
}

/** Disabled users too: the caller tells "no such user" from "disabled". */
export async function findUserByOidcSubject(db: Db, subject: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('oidcSubject', '=', subject).executeTakeFirst();
}

/** Inside a transaction: concurrent changes to one user apply one after the other, each seeing the last. */
export async function lockUser(db: Db, userId: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', userId).forUpdate().executeTakeFirst();
}

export async function updateUser(db: Db, userId: string, patch: UserPatch): Promise<User> {
  return db.updateTable('users')
    .set({ ...patch, updatedAt: sql<Date>`now()` })
    .where('id', '=', userId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** One page plus one row, so the caller knows whether there is a next page. */
export async function listUsers(db: Db, page: { after?: string | undefined; limit: number; order: SortOrder }): Promise<User[]> {
  let query = db.selectFrom('users').selectAll().orderBy('id', page.order).limit(page.limit + 1);
  if (page.after) query = query.where('id', afterCursor(page.order), page.after);
  return query.execute();
}
