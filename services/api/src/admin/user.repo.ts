import type { Db, User, UserRole } from '@sora-studio/shared';
import { afterCursor, type SortOrder } from '../pagination.ts';

export async function insertUser(db: Db, row: { id: string; name: string; email: string | null; role: UserRole }): Promise<User> {
  return db.insertInto('users').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findUser(db: Db, userId: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
}

/** One page plus one row, so the caller knows whether there is a next page. */
export async function listUsers(db: Db, page: { after?: string | undefined; limit: number; order: SortOrder }): Promise<User[]> {
  let query = db.selectFrom('users').selectAll().orderBy('id', page.order).limit(page.limit + 1);
  if (page.after) query = query.where('id', afterCursor(page.order), page.after);
  return query.execute();
}
