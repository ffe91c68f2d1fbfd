// What every step of the video pipeline is given, passed explicitly so a test can run a step by itself
// against a real database, storage and the emulator.
import type { Config, Db, Logger, Storage } from '@sora-studio/shared';
import type { ProviderClient } from './provider/provider-client.ts';

export interface PipelineDeps {
  db: Db;
  storage: Storage;
  provider: ProviderClient;
  config: Config;
  /** Inside a step: a child logger carrying the video's `videoId` and `requestId`. */
  logger: Logger;
  clock: () => Date;
}

/**
 * What a run of the job leads to: the video is finished (or needs nothing), it is polled again later, or it
 * waits for one of its owner's in-flight slots (which does not count as a poll, so the back-off starts fresh).
 */
export type DriveOutcome = { kind: 'done' } | { kind: 'poll-later'; delayMs: number } | { kind: 'wait-for-slot'; delayMs: number };
