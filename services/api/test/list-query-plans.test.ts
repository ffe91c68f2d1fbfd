// GET /v1/videos stays an index walk at 1,000,000 videos (issue 10): the exact SQL the list repo sends, for
// every filter it takes, is EXPLAINed on generated rows, and every scan of `videos` must use one of the
// indexes that confine it to the caller's rows. A plan that reads the table from end to end (a Seq Scan)
// costs time proportional to everyone's videos, not the caller's page.
import { CompiledQuery, sql, type KyselyPlugin, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListAdminVideosQuerySchema, ListVideosQuerySchema, type Db } from '@sora-studio/shared';
import { createTestEnvironment, type TestEnvironment } from '@sora-studio/testkit';
import { listAllVideos } from '../src/admin/admin-video.repo.ts';
import { listOwnedVideos } from '../src/videos/video.repo.ts';

const VIDEO_ROWS = 1_000_000;
const USERS = 1_000;
/** Seconds between two generated videos: a million of them span about a year. */
const SECONDS_APART = 31;
const FIRST_CREATED_AT = Date.UTC(2026, 0, 1) / 1000;
/** The word only about one video in 10,000 has, so a search for it should come from the full-text index. */
const RARE_WORD = 'aurora';
/** The first 30,000 videos (3%, the first month) belong to one more user, who has made none since. */
const FORMER_USERS_VIDEOS = 30_000;

let environment: TestEnvironment;
let db: Db;

/**
 * 1,000 users, spread as production spreads them: a few heavy ones (user 1 owns ~3% of all videos) and a
 * long tail (user 1,000 owns a handful), plus a former heavy user whose 3% are all a year old. Statuses mostly finished, two models, 2% soft-deleted, prompts from
 * a small vocabulary. Pseudo-random from hashint4 of the row number, so every run makes the same rows. The
 * videos table's indexes are built after the insert, from their own definitions, since building an index
 * once is several times faster than growing it row by row (the GIN index most of all).
 */
async function generateVideos(): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`set local statement_timeout = 0`.execute(trx);
    await sql`set local maintenance_work_mem = '128MB'`.execute(trx);
    const indexes = await sql<{ indexname: string; indexdef: string }>`
      select i.indexname, i.indexdef from pg_indexes i
      where i.schemaname = current_schema() and i.tablename = 'videos'
        and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`.execute(trx);
    for (const index of indexes.rows) await sql`drop index ${sql.id(index.indexname)}`.execute(trx);

    await sql`insert into users (id, name)
      select 'user_' || lpad(to_hex(u), 32, '0'), 'user ' || u from generate_series(1, ${USERS + 1}::int) u`.execute(trx);
    await sql`
      insert into videos (id, user_id, model, prompt, seconds, size, status, provider, estimated_cost_micros, created_at, deleted_at)
      select
        'video_' || lpad(to_hex((extract(epoch from r.created_at) * 1000)::bigint), 12, '0') || substr(md5(r.g::text), 1, 20),
        'user_' || lpad(to_hex(case when r.g <= ${FORMER_USERS_VIDEOS}::int then ${USERS + 1}::int
          else 1 + floor(${USERS}::int * r.who * r.who)::int end), 32, '0'),
        case when r.which_model < 0.7 then 'sora-2' else 'sora-2-pro' end,
        (array['a red fox', 'a paper boat', 'a city skyline', 'a lighthouse', 'a bee on a sunflower', 'two astronauts', 'a night market'])[1 + r.g % 7]
          || ' ' || (array['at dusk', 'in the rain', 'in watercolour', 'under snow', 'in slow motion'])[1 + r.g % 5]
          || case when r.g % 10007 = 0 then ${' ' + RARE_WORD} else '' end,
        4, '720x1280',
        case when r.what_status < 0.85 then 'completed' when r.what_status < 0.92 then 'failed'
          when r.what_status < 0.96 then 'cancelled' when r.what_status < 0.98 then 'queued' else 'in_progress' end,
        'openai', 400000, r.created_at,
        case when r.gone < 0.02 then r.created_at + interval '1 day' end
      from (
        select g,
          to_timestamp(${FIRST_CREATED_AT}::bigint + g * ${SECONDS_APART}::int) as created_at,
          abs(hashint4(g)::float8) / 2147483648 as who,
          abs(hashint4(g + 1000003)::float8) / 2147483648 as what_status,
          abs(hashint4(g + 2000003)::float8) / 2147483648 as which_model,
          abs(hashint4(g + 3000017)::float8) / 2147483648 as gone
        from generate_series(1, ${VIDEO_ROWS}::int) g
      ) r`.execute(trx);

    for (const index of indexes.rows) await sql.raw(index.indexdef).execute(trx);
  });
  await sql`analyze users, videos`.execute(db);
}

const userId = (n: number) => `user_${n.toString(16).padStart(32, '0')}`;
const HEAVY_USER = userId(1);
const TYPICAL_USER = userId(500);
const FORMER_HEAVY_USER = userId(USERS + 1);

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  /** With ANALYZE only. */
  'Actual Rows'?: number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

function scansOfVideos(node: PlanNode): PlanNode[] {
  const own = node['Relation Name'] === 'videos' || (node['Index Name']?.startsWith('videos_') ?? false) ? [node] : [];
  return [...own, ...(node.Plans ?? []).flatMap(scansOfVideos)];
}

const asQueryString = (query: Record<string, string | number>) => Object.fromEntries(Object.entries(query).map(([key, value]) => [key, String(value)]));

/** Runs the list repo's query and returns the statement it sent, parameters and all. */
async function listStatement(user: string, query: Record<string, string | number>): Promise<CompiledQuery> {
  return statementOf((capturing) => listOwnedVideos(capturing, user, ListVideosQuerySchema.parse(asQueryString(query))));
}

/** The same for the admin's list of every video, deleted ones too. */
async function adminListStatement(query: Record<string, string | number>): Promise<CompiledQuery> {
  return statementOf((capturing) => listAllVideos(capturing, ListAdminVideosQuerySchema.parse(asQueryString(query))));
}

async function statementOf(list: (capturing: Db) => Promise<unknown>): Promise<CompiledQuery> {
  const sent: CompiledQuery[] = [];
  const capture: KyselyPlugin = {
    transformQuery: ({ node, queryId }) => {
      sent.push(db.getExecutor().compileQuery(node as RootOperationNode, queryId));
      return node;
    },
    transformResult: async ({ result }) => result as QueryResult<UnknownRow>,
  };
  await list(db.withPlugin(capture));
  expect(sent).toHaveLength(1);
  return sent[0]!;
}

/** The plan Postgres picks; with `analyze` it also runs it, and each node says how many rows it read. */
async function planOf(statement: CompiledQuery, run?: 'analyze'): Promise<PlanNode> {
  const options = run === 'analyze' ? 'analyze, format json' : 'format json';
  const explained = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(`explain (${options}) ${statement.sql}`, [...statement.parameters]));
  const [plan] = Object.values(explained.rows[0]!) as [{ Plan: PlanNode }[]];
  return plan[0]!.Plan;
}

/** A video id of that user's, from the middle of their list: the cursor of a later page. */
async function middleVideoIdOf(user: string): Promise<string> {
  const ids = await db.selectFrom('videos').select('id').where('userId', '=', user).where('deletedAt', 'is', null).orderBy('id', 'desc').execute();
  return ids[Math.floor(ids.length / 2)]!.id;
}

const day = (n: number) => FIRST_CREATED_AT + n * 86_400;
const USER_LIST = 'videos_user_list_idx';
const BY_STATUS = 'videos_user_status_idx';
const BY_MODEL = 'videos_user_model_idx';
const BY_CREATED = 'videos_user_created_idx';
const FULL_TEXT = 'videos_prompt_tsv_idx';
const USER_CONFINED = [USER_LIST, BY_STATUS, BY_MODEL, BY_CREATED];

interface ListCase {
  name: string;
  query: (user: string) => Promise<Record<string, string | number>>;
  /** The indexes its plan may use. */
  indexes: string[];
}

beforeAll(async () => {
  environment = await createTestEnvironment('api_list_plans');
  db = environment.testDb.db;
  await generateVideos();
}, 240_000);
afterAll(async () => { await environment?.close(); }, 60_000);

describe(`GET /v1/videos's query plans at ${VIDEO_ROWS.toLocaleString('en')} videos`, () => {
  it('has the rows the plans are about', async () => {
    const counts = await sql<{ videos: string; users: string; heavy: string }>`
      select count(*) as videos, count(distinct user_id) as users, count(*) filter (where user_id = ${HEAVY_USER}) as heavy from videos`.execute(db);
    expect(Number(counts.rows[0]!.videos)).toBe(VIDEO_ROWS);
    expect(Number(counts.rows[0]!.users)).toBeGreaterThan(900);
    expect(Number(counts.rows[0]!.heavy)).toBeGreaterThan(VIDEO_ROWS / 100);
    const former = await db.selectFrom('videos').select(({ fn }) => [fn.countAll<string>().as('count'), fn.max('createdAt').as('newest')])
      .where('userId', '=', FORMER_HEAVY_USER).executeTakeFirstOrThrow();
    expect(Number(former.count)).toBe(FORMER_USERS_VIDEOS);
    expect(former.newest.getTime()).toBeLessThan(day(31) * 1000);
  });

  /** What the plan of each query may use: indexes that confine the scan to the caller's own rows. */
  const cases: ListCase[] = [
    { name: 'the default listing (newest first)', query: async () => ({}), indexes: [USER_LIST] },
    { name: 'oldest first', query: async () => ({ order: 'asc' }), indexes: [USER_LIST] },
    { name: 'the page after a cursor', query: async (user) => ({ after: await middleVideoIdOf(user) }), indexes: [USER_LIST] },
    { name: 'a status filter (a rare status)', query: async () => ({ status: 'queued' }), indexes: [BY_STATUS] },
    { name: 'a status filter (the common status)', query: async () => ({ status: 'completed' }), indexes: [BY_STATUS] },
    { name: 'a status filter after a cursor', query: async (user) => ({ status: 'failed', after: await middleVideoIdOf(user) }), indexes: [BY_STATUS] },
    { name: 'a model filter', query: async () => ({ model: 'sora-2-pro' }), indexes: [BY_MODEL] },
    // A narrow range is found through created_at; a wide one by walking the user's ids (in created order), filtering.
    { name: 'a created_after/created_before range of a week', query: async () => ({ created_after: day(100), created_before: day(107) }), indexes: [BY_CREATED, USER_LIST] },
    { name: 'created_after alone', query: async () => ({ created_after: day(300) }), indexes: [BY_CREATED, USER_LIST] },
    { name: 'created_before alone', query: async () => ({ created_before: day(30) }), indexes: [BY_CREATED, USER_LIST] },
    // A rare word comes from the full-text index, ANDed with (or instead of) an index of the user's rows.
    { name: 'a full-text search for a rare word', query: async () => ({ q: RARE_WORD }), indexes: [FULL_TEXT, ...USER_CONFINED] },
    { name: 'a full-text search for a common phrase', query: async () => ({ q: '"paper boat" rain' }), indexes: [FULL_TEXT, ...USER_CONFINED] },
    { name: 'every filter at once', query: async () => ({ status: 'completed', model: 'sora-2', created_after: day(10), q: 'fox' }), indexes: [FULL_TEXT, ...USER_CONFINED] },
  ];

  async function expectUserConfinedPlan(user: string, listCase: ListCase): Promise<void> {
    const plan = await planOf(await listStatement(user, await listCase.query(user)));
    const scans = scansOfVideos(plan);
    expect(scans.map((scan) => scan['Node Type']), JSON.stringify(plan)).not.toContain('Seq Scan');
    // A Bitmap Heap Scan names no index itself: its Bitmap Index Scans below it do.
    const indexesUsed = scans.flatMap((scan) => scan['Index Name'] ?? []);
    expect(indexesUsed.length, JSON.stringify(plan)).toBeGreaterThan(0);
    for (const index of indexesUsed) expect(listCase.indexes, JSON.stringify(plan)).toContain(index);
  }

  describe('for a typical user', () => {
    it.each(cases)('$name walks an index of the user\'s rows, never the whole table', (listCase) => expectUserConfinedPlan(TYPICAL_USER, listCase));
  });

  // For a user who owns a few percent of all videos the primary key's walk (rows in id order on disk, filtered by
  // user_id) once won the id-ordered listings: for a user whose videos are all old it read ~970,000 rows for a
  // page. The listing's order is now one only the user's indexes give (listOwnedVideos), so every case holds.
  describe.each([['a heavy user', HEAVY_USER], ['a former heavy user', FORMER_HEAVY_USER]])('for %s (3% of all videos)', (_who, user) => {
    it.each(cases)('$name walks an index of the user\'s rows, never the whole table', (listCase) => expectUserConfinedPlan(user, listCase));
  });

  // The plan's shape is what the cases above hold; this is what it costs: the rows a page reads, run for real.
  it.each(cases.slice(0, 3))('$name reads about a page of rows for the former heavy user, not the table', async (listCase) => {
    const statement = await listStatement(FORMER_HEAVY_USER, await listCase.query(FORMER_HEAVY_USER));
    const plan = await planOf(statement, 'analyze');
    const read = scansOfVideos(plan).reduce((sum, scan) => sum + (scan['Actual Rows'] ?? 0) + (scan['Rows Removed by Filter'] ?? 0), 0);
    expect(read, JSON.stringify(plan)).toBeLessThan(1_000);
  });

  // The admin's list includes deleted videos, so the partial indexes above cannot serve its user filter.
  describe.each([['a typical user', TYPICAL_USER], ['a heavy user', HEAVY_USER], ['a former heavy user', FORMER_HEAVY_USER]])('the admin\'s list of %s\'s videos', (_who, user) => {
    it.each([['newest first', {}], ['oldest first', { order: 'asc' }], ['with a status', { status: 'failed' }]] as const)('%s walks videos_user_all_idx and reads about a page', async (_name, query) => {
      const plan = await planOf(await adminListStatement({ ...query, user_id: user }), 'analyze');
      const scans = scansOfVideos(plan);
      expect(scans.map((scan) => scan['Index Name']), JSON.stringify(plan)).toEqual(['videos_user_all_idx']);
      const read = scans.reduce((sum, scan) => sum + (scan['Actual Rows'] ?? 0) + (scan['Rows Removed by Filter'] ?? 0), 0);
      expect(read, JSON.stringify(plan)).toBeLessThan(1_000);
    });
  });
});
