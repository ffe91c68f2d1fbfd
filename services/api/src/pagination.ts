// Keyset pagination, as OpenAI lists do it: ids are time-ordered, so the cursor is the last id seen.
// Repos fetch `limit + 1` rows; the extra row only says whether there is a next page.
import { sql, type RawBuilder } from 'kysely';

export type SortOrder = 'asc' | 'desc';

export interface ListPage<T> {
  object: 'list';
  data: T[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

/**
 * "The row is this user's", for a list ordered by `user_id, id` (the same rows and order as by id alone).
 * Not `user_id = $1`: from that Postgres infers user_id is a constant and drops it from the ORDER BY, and the
 * primary key (ids lie in id order on disk) then competes with the user's index; for a user with a few percent
 * of all rows it wins, and for one whose rows are all old it reads nearly the whole table to fill a page. An
 * `= any` infers nothing, so only an index that starts with user_id gives the order, and the row estimate still
 * comes from user_id's statistics. services/api/test/list-query-plans.test.ts holds the plans at 1,000,000 videos.
 */
export function ownedByInUserOrder(userId: string): RawBuilder<boolean> {
  return sql<boolean>`user_id = any(array[${userId}]::text[])`;
}

/** The id comparison that continues a list after the cursor in the given order. */
export function afterCursor(order: SortOrder): '<' | '>' {
  return order === 'desc' ? '<' : '>';
}

export function listPage<Row extends { id: string }, T>(rows: Row[], limit: number, toObject: (row: Row) => T): ListPage<T> {
  const page = rows.slice(0, limit);
  return {
    object: 'list',
    data: page.map(toObject),
    first_id: page[0]?.id ?? null,
    last_id: page.at(-1)?.id ?? null,
    has_more: rows.length > limit,
  };
}
