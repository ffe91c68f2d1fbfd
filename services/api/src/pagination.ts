// Keyset pagination, as OpenAI lists do it: ids are time-ordered, so the cursor is the last id seen.
// Repos fetch `limit + 1` rows; the extra row only says whether there is a next page.

export type SortOrder = 'asc' | 'desc';

export interface ListPage<T> {
  object: 'list';
  data: T[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
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
