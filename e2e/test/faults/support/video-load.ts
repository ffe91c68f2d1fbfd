// The load of a fault test: many videos submitted over real HTTP by several users, and what became of them,
// read from Postgres (the record), never from the API, so a test adds no requests of its own while it waits.
import { sql } from 'kysely';
import type { Db } from '@sora-studio/shared';
import { waitFor, type TestUser } from '@sora-studio/testkit';

/** The cheapest shape; the emulator renders it in `EMULATOR_RENDER_MS`. */
export const VIDEO_BODY = { model: 'sora-2', seconds: '4', size: '720x1280' } as const;

export interface SubmitAnswer {
  status: number;
  /** The video id on a 200. */
  videoId?: string;
  code?: string | null;
  retryAfter?: string | null;
  /** The connection failed or no answer came within the client's timeout. */
  networkError?: string;
}

/** One create, as a client with a timeout sends it; a hang shows as a networkError, never as a stuck test. */
export async function submitVideo(origin: string, user: TestUser, prompt: string, opts: { idempotencyKey?: string; timeoutMs?: number } = {}): Promise<SubmitAnswer> {
  const headers: Record<string, string> = { authorization: `Bearer ${user.apiKey}`, 'content-type': 'application/json' };
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  try {
    const response = await fetch(`${origin}/v1/videos`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ ...VIDEO_BODY, prompt }),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
    const body = (await response.json().catch(() => ({}))) as { id?: string; error?: { code?: string | null } };
    return {
      status: response.status,
      ...(body.id ? { videoId: body.id } : {}),
      code: body.error?.code ?? null,
      retryAfter: response.headers.get('retry-after'),
    };
  } catch (error) {
    return { status: 0, networkError: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/** Runs `task` over `items`, at most `concurrency` at once. */
export async function inParallel<T, R>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await task(items[index]!, index);
    }
  }));
  return results;
}

/** `count` videos, spread over the users round robin; every one must be accepted. */
export async function submitVideos(origin: string, users: readonly TestUser[], count: number, label: string): Promise<string[]> {
  const answers = await inParallel(Array.from({ length: count }, (_, i) => i), 20, (i) => submitVideo(origin, users[i % users.length]!, `${label} ${i}`));
  const refused = answers.filter((answer) => answer.status !== 200);
  if (refused.length > 0) throw new Error(`${refused.length} of ${count} submits were refused, e.g. ${JSON.stringify(refused[0])}`);
  return answers.map((answer) => answer.videoId!);
}

export type StatusCounts = Record<string, number>;

export async function statusCounts(db: Db): Promise<StatusCounts> {
  const rows = await db.selectFrom('videos').select(['status', sql<number>`count(*)::int`.as('count')]).groupBy('status').execute();
  return Object.fromEntries(rows.map((row) => [row.status, row.count]));
}

const TERMINAL = ['completed', 'failed', 'cancelled'];

export function unfinished(counts: StatusCounts): number {
  return Object.entries(counts).filter(([status]) => !TERMINAL.includes(status)).reduce((sum, [, n]) => sum + n, 0);
}

/** Waits until no video is unfinished; the counts by status at the end. */
export async function waitAllTerminal(db: Db, timeoutMs: number, describe?: () => Promise<string>): Promise<StatusCounts> {
  let last: StatusCounts = {};
  try {
    return await waitFor(async () => {
      last = await statusCounts(db);
      return unfinished(last) === 0 && last;
    }, { timeoutMs, intervalMs: 500, what: 'every video to end' });
  } catch (error) {
    const details = describe ? `; for example: ${await describe().catch((failure: unknown) => String(failure))}` : '';
    throw new Error(`${String(error)}; by status: ${JSON.stringify(last)}${details}`, { cause: error });
  }
}

/** Failed videos by error code, e.g. to show that none failed by stall or for want of the provider. */
export async function failureCodes(db: Db): Promise<Record<string, number>> {
  const rows = await db.selectFrom('videos').select(['errorCode', sql<number>`count(*)::int`.as('count')])
    .where('status', '=', 'failed').groupBy('errorCode').execute();
  return Object.fromEntries(rows.map((row) => [row.errorCode ?? 'none', row.count]));
}
