// What every fault test measures at the end, and the one JSON line it prints (`FAULT_SUITE {...}`), so the
// figures of a run can be read off the log: videos by status, provider creates, the ledger check, stalls.
import { sql } from 'kysely';
import { expect } from 'vitest';
import type { FaultStack } from './fault-stack.ts';
import { failureCodes, statusCounts, unfinished, type StatusCounts } from './video-load.ts';

export interface PipelineFigures {
  videos: number;
  byStatus: StatusCounts;
  failures: Record<string, number>;
  /** A few failed videos' messages, to tell a real provider failure from one the fault caused. */
  failureSamples: string[];
  /** Videos the emulator created, and how many create requests it received (retries and replays included). */
  providerCreates: number;
  providerCreateRequests: number;
  /** Our videos that have a provider video, and how many distinct provider videos those are. */
  videosAtProvider: number;
  distinctProviderVideos: number;
  keysCreatedMoreThanOnce: number;
  createsWithoutIdempotencyKey: number;
  ledgerOk: boolean;
  ledgerMismatches: number;
  stallFailures: number;
  unexpectedExits: string[];
}

export async function pipelineFigures(stack: FaultStack): Promise<PipelineFigures> {
  const [byStatus, failures, samples, stats, ledger, provider] = await Promise.all([
    statusCounts(stack.db),
    failureCodes(stack.db),
    stack.db.selectFrom('videos').select(['id', 'errorMessage', 'submitAttempts']).where('status', '=', 'failed').limit(3).execute(),
    stack.emulatorStats(),
    stack.ledgerCheck(),
    stack.db.selectFrom('videos')
      .select([sql<number>`count(provider_video_id)::int`.as('atProvider'), sql<number>`count(distinct provider_video_id)::int`.as('distinct')])
      .executeTakeFirstOrThrow(),
  ]);
  return {
    videos: Object.values(byStatus).reduce((sum, n) => sum + n, 0),
    byStatus,
    failures,
    failureSamples: samples.map((video) => `${video.id} (${video.submitAttempts} submit attempts): ${video.errorMessage ?? ''}`.slice(0, 300)),
    providerCreates: stats.videosCreated,
    providerCreateRequests: stats.createRequests,
    videosAtProvider: provider.atProvider,
    distinctProviderVideos: provider.distinct,
    keysCreatedMoreThanOnce: stats.creates.keysCreatedMoreThanOnce,
    createsWithoutIdempotencyKey: stats.creates.withoutIdempotencyKey,
    ledgerOk: ledger.ok,
    ledgerMismatches: ledger.mismatches.length,
    stallFailures: [...stack.workers].reduce((sum, worker) => sum + worker.stallFailures, 0),
    unexpectedExits: stack.unexpectedExits(),
  };
}

/** One line per test, for the lead's report and the issue note. */
export function printFigures(fault: string, figures: Record<string, unknown>): void {
  process.stdout.write(`FAULT_SUITE ${JSON.stringify({ fault, ...figures })}\n`);
}

/**
 * What must hold after every fault: every video ended, and completed (the emulator scripts no failure here);
 * each was created at the provider exactly once (one provider video per row, no key created twice, none
 * without a key); the money reconciles; no job failed for stalling; no process died on its own.
 */
export function expectPipelineIntact(figures: PipelineFigures, expectedVideos: number): void {
  expect(figures.videos).toBe(expectedVideos);
  expect(unfinished(figures.byStatus)).toBe(0);
  expect(figures.byStatus).toEqual({ completed: expectedVideos });
  expect(figures.providerCreates).toBe(expectedVideos);
  expect(figures.videosAtProvider).toBe(expectedVideos);
  expect(figures.distinctProviderVideos).toBe(expectedVideos);
  expect(figures.keysCreatedMoreThanOnce).toBe(0);
  expect(figures.createsWithoutIdempotencyKey).toBe(0);
  expect(figures.ledgerMismatches).toBe(0);
  expect(figures.ledgerOk).toBe(true);
  expect(figures.stallFailures).toBe(0);
  expect(figures.unexpectedExits).toEqual([]);
}
