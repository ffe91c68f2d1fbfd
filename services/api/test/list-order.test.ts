// The list's pages and cursors are those of the plain `user_id = $1 … order by id` it was before its query was
// reshaped for the planner (listOwnedVideos: `user_id = any(…)`, `order by user_id, id`). A mixed set: ids made
// in the same millisecond, created_at ties and a created_at out of id order, deleted videos, another user's
// videos in between, cursors that are a deleted video's and another user's ids.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListAdminVideosQuerySchema, ListVideosQuerySchema, newId, type Db, type ListVideosQuery, type VideoStatus } from '@sora-studio/shared';
import { createTestDatabase, createUserWithKey, type TestDatabase } from '@sora-studio/testkit';
import { listAllVideos } from '../src/admin/admin-video.repo.ts';
import { afterCursor } from '../src/pagination.ts';
import { listOwnedVideos } from '../src/videos/video.repo.ts';

let database: TestDatabase;
let db: Db;
let owner: string;
let other: string;
const ownerVideoIds: string[] = [];
let deletedVideoId: string;
let othersVideoId: string;

const START = Date.UTC(2026, 2, 1);
const at = (seconds: number) => new Date(START + seconds * 1000);

/** The query as it was: equality on the owner and id order alone. The reference for what the list returns. */
async function listedBefore(userId: string, query: ListVideosQuery): Promise<string[]> {
  let select = db.selectFrom('videos').select('id')
    .where('userId', '=', userId).where('deletedAt', 'is', null)
    .orderBy('id', query.order).limit(query.limit + 1);
  if (query.after) select = select.where('id', afterCursor(query.order), query.after);
  if (query.status) select = select.where('status', '=', query.status);
  if (query.model) select = select.where('model', '=', query.model);
  if (query.created_after !== undefined) select = select.where('createdAt', '>=', new Date(query.created_after * 1000));
  if (query.created_before !== undefined) select = select.where('createdAt', '<', new Date(query.created_before * 1000));
  if (query.q) select = select.where(sql<boolean>`prompt_tsv @@ websearch_to_tsquery('simple', ${query.q})`);
  return (await select.execute()).map((row) => row.id);
}

const parse = (query: Record<string, string | number>) =>
  ListVideosQuerySchema.parse(Object.fromEntries(Object.entries(query).map(([key, value]) => [key, String(value)])));

/** Every page of a walk from `after` on, each page's ids with the extra row, as the API would page it. */
async function walk<Query extends { limit: number; after?: string | undefined }>(
  list: (query: Query) => Promise<string[]>, first: Query,
): Promise<string[][]> {
  const pages: string[][] = [];
  let next = first;
  for (;;) {
    const rows = await list(next);
    pages.push(rows);
    if (rows.length <= next.limit) return pages;
    next = { ...next, after: rows[next.limit - 1]! };
  }
}

async function insertVideo(userId: string, millis: number, opts: { createdAt: Date; status?: VideoStatus; model?: string; prompt?: string; deleted?: boolean }) {
  const id = newId('video', millis);
  await db.insertInto('videos').values({
    id, userId, model: opts.model ?? 'sora-2', prompt: opts.prompt ?? 'a red fox at dusk', seconds: 4, size: '720x1280',
    status: opts.status ?? 'completed', provider: 'emulator', estimatedCostMicros: 400_000, createdAt: opts.createdAt,
    deletedAt: opts.deleted ? new Date(opts.createdAt.getTime() + 60_000) : null,
  }).execute();
  return id;
}

beforeAll(async () => {
  database = await createTestDatabase('api_list_order');
  db = database.db;
  [owner, other] = await Promise.all([createUserWithKey(db).then((user) => user.id), createUserWithKey(db).then((user) => user.id)]);
  const statuses: VideoStatus[] = ['completed', 'failed', 'queued', 'completed', 'in_progress', 'cancelled'];
  for (let i = 0; i < 18; i += 1) {
    // Three ids per millisecond (their order then comes from the random part), and created_at in ties of
    // three seconds, one of them (i = 7) earlier than the videos before it: the list is in id order regardless.
    const millis = START + Math.floor(i / 3) * 1000;
    const createdAt = i === 7 ? at(-10) : at(Math.floor(i / 3) * 3);
    ownerVideoIds.push(await insertVideo(owner, millis, {
      createdAt, status: statuses[i % statuses.length]!, model: i % 4 === 0 ? 'sora-2-pro' : 'sora-2',
      prompt: i % 5 === 0 ? 'a paper boat in the rain' : 'a red fox at dusk', deleted: i % 7 === 3,
    }));
    await insertVideo(other, millis, { createdAt });
  }
  deletedVideoId = ownerVideoIds[3]!;
  othersVideoId = await insertVideo(other, START + 2500, { createdAt: at(7) });
}, 60_000);
afterAll(async () => { await database?.drop(); });

describe('listOwnedVideos pages as the id-ordered query did', () => {
  const queries: [string, Record<string, string | number>][] = [
    ['everything', {}],
    ['a status', { status: 'completed' }],
    ['a model', { model: 'sora-2-pro' }],
    ['a created_at range', { created_after: START / 1000, created_before: START / 1000 + 12 }],
    ['a search', { q: 'fox' }],
    ['a deleted video as the cursor', { after: 'DELETED' }],
    ['another user\'s video as the cursor', { after: 'OTHERS' }],
  ];

  it.each(queries.flatMap(([name, query]) => (['desc', 'asc'] as const).flatMap((order) => [1, 2, 5, 100].map((limit) => ({ name, query, order, limit })))))(
    '$name, $order, $limit a page',
    async ({ query, order, limit }) => {
      const after = query.after === 'DELETED' ? deletedVideoId : query.after === 'OTHERS' ? othersVideoId : query.after;
      const full = { ...query, order, limit, ...(after ? { after } : {}) };
      const now = await walk(async (page) => (await listOwnedVideos(db, owner, page)).map((video) => video.id), parse(full));
      const before = await walk((page) => listedBefore(owner, page), parse(full));
      expect(now).toEqual(before);
      expect(now.flat().length).toBeGreaterThan(0);
    },
  );

  it('lists only the owner\'s live videos, in the order of their ids', async () => {
    const listed = (await walk(async (page) => (await listOwnedVideos(db, owner, page)).map((video) => video.id), parse({ limit: 4 })))
      .flatMap((page) => page.slice(0, 4));
    const live = ownerVideoIds.filter((_, i) => i % 7 !== 3);
    expect(listed).toEqual([...live].sort().reverse());
    // Same-millisecond ids and created_at ties are all there, once each.
    expect(new Set(listed).size).toBe(live.length);
  });
});

describe('the admin\'s list of one user\'s videos pages as the id-ordered query did', () => {
  it.each((['desc', 'asc'] as const).flatMap((order) => [1, 3, 100].map((limit) => ({ order, limit }))))('$order, $limit a page, deleted videos too', async ({ order, limit }) => {
    const query = ListAdminVideosQuerySchema.parse({ user_id: owner, order, limit: String(limit) });
    const now = await walk(async (page) => (await listAllVideos(db, page)).map((video) => video.id), query);
    const before = await walk(async (page) => {
      let select = db.selectFrom('videos').select('id').where('userId', '=', owner).orderBy('id', page.order).limit(page.limit + 1);
      if (page.after) select = select.where('id', afterCursor(page.order), page.after);
      return (await select.execute()).map((row) => row.id);
    }, query);
    expect(now).toEqual(before);
    expect(now.flatMap((page) => page.slice(0, limit)).sort()).toEqual([...ownerVideoIds].sort());
  });
});
