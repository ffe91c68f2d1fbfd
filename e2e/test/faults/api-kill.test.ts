// Fault (e): the API SIGKILLed twice during a burst of creates whose clients retry with their Idempotency-Key
// (on a dropped connection, a 5xx or a 409 "in progress") until answered, as the openai SDKs do. A request
// killed after its key's claim but before its commit leaves the claim in progress; IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS
// later a retry takes it over. Each key must end with exactly one video and one reservation.
import { setTimeout as delay } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor, type TestUser } from '@sora-studio/testkit';
import { expectPipelineIntact, pipelineFigures, printFigures } from './support/fault-figures.ts';
import { startFaultStack, type FaultStack } from './support/fault-stack.ts';
import { inParallel, submitVideo, waitAllTerminal, type SubmitAnswer } from './support/video-load.ts';

const KEYS = 500;
const CLIENTS = 25;
const CLAIM_TIMEOUT_SECONDS = 3;
/** A client's pause between attempts; the fault's own cadence, not a wait for a condition. */
const RETRY_PAUSE_MS = 200;

let stack: FaultStack;

beforeAll(async () => {
  stack = await startFaultStack({ label: 'api_kill', renderMs: 1_000, env: { IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS: String(CLAIM_TIMEOUT_SECONDS) } });
});
afterAll(async () => {
  await stack?.stop();
});

interface KeyOutcome {
  key: string;
  videoId: string;
  attempts: number;
  answers: SubmitAnswer[];
}

/** One client's create: retried with the same key until it is answered with the video. */
async function createUntilAnswered(user: TestUser, key: string, prompt: string): Promise<KeyOutcome> {
  const answers: SubmitAnswer[] = [];
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const answer = await submitVideo(stack.origin, user, prompt, { idempotencyKey: key, timeoutMs: 10_000 });
    answers.push(answer);
    if (answer.status === 200) return { key, videoId: answer.videoId!, attempts: answers.length, answers };
    const retryable = answer.status === 0 || answer.status >= 500 || (answer.status === 409 && answer.code === 'idempotency_key_in_use');
    if (!retryable) throw new Error(`key ${key} was answered ${JSON.stringify(answer)}`);
    await delay(RETRY_PAUSE_MS);
  }
  throw new Error(`key ${key} was never answered: ${JSON.stringify(answers.slice(-3))}`);
}

it('keeps exactly one video and one reservation per Idempotency-Key when the API is killed mid-burst', async () => {
  let answered = 0;
  const burst = inParallel(Array.from({ length: KEYS }, (_, i) => i), CLIENTS, async (i) => {
    const outcome = await createUntilAnswered(stack.users[i % stack.users.length]!, `fault-e-key-${i}`, `a canyon under a killed API ${i}`);
    answered += 1;
    return outcome;
  });
  // Two kills, each in the thick of the burst, each followed by a restart on the same port.
  for (const fraction of [0.2, 0.55]) {
    await waitFor(() => answered >= KEYS * fraction, { timeoutMs: 60_000, intervalMs: 20, what: `${fraction * 100}% of the keys answered` });
    await stack.api.kill();
    await stack.api.start();
  }
  const outcomes = await burst;

  const videos = await stack.db.selectFrom('videos').select('id').execute();
  const reservations = await stack.db.selectFrom('ledgerEntries').select(['videoId', sql<number>`count(*)::int`.as('count')])
    .where('kind', '=', 'reserve').groupBy('videoId').execute();
  const [orphans] = await Promise.all([
    sql<{ reservationsWithoutVideo: number; videosWithoutReservation: number }>`
      select
        (select count(*)::int from ledger_entries l where l.kind = 'reserve' and not exists (select 1 from videos v where v.id = l.video_id)) as "reservationsWithoutVideo",
        (select count(*)::int from videos v where not exists (select 1 from ledger_entries l where l.video_id = v.id and l.kind = 'reserve')) as "videosWithoutReservation"
    `.execute(stack.db),
  ]);
  const keys = await stack.db.selectFrom('idempotencyKeys').select(['key', 'state']).execute();
  const allAnswers = outcomes.flatMap((outcome) => outcome.answers);
  const answerTally: Record<string, number> = {};
  for (const answer of allAnswers) {
    const label = answer.status === 409 ? `409 ${answer.code}` : String(answer.status);
    answerTally[label] = (answerTally[label] ?? 0) + 1;
  }

  await waitAllTerminal(stack.db, 120_000, stack.describeUnfinished);
  const figures = await pipelineFigures(stack);
  printFigures('api-kill', {
    ...figures, keys: KEYS, apiKills: stack.api.kills, apiStarts: stack.api.starts, requests: allAnswers.length, answers: answerTally,
    retriedKeys: outcomes.filter((outcome) => outcome.attempts > 1).length, ...orphans.rows[0],
  });

  expect(stack.api.kills).toBe(2);
  // The kills cut requests off: some clients had to retry, and got their one video in the end.
  expect(outcomes.filter((outcome) => outcome.attempts > 1).length).toBeGreaterThan(0);
  expect(new Set(outcomes.map((outcome) => outcome.videoId)).size).toBe(KEYS);
  expect(videos).toHaveLength(KEYS);
  expect(new Set(videos.map((video) => video.id))).toEqual(new Set(outcomes.map((outcome) => outcome.videoId)));
  expect(reservations).toHaveLength(KEYS);
  expect(reservations.every((row) => row.count === 1)).toBe(true);
  expect(orphans.rows[0]).toEqual({ reservationsWithoutVideo: 0, videosWithoutReservation: 0 });
  expect(keys).toHaveLength(KEYS);
  expect(keys.every((row) => row.state === 'completed')).toBe(true);
  // No 500 reached a client: a cut-off request is a dropped connection, and its retry is answered.
  expect(allAnswers.filter((answer) => answer.status === 500)).toEqual([]);
  expectPipelineIntact(figures, KEYS);
});
