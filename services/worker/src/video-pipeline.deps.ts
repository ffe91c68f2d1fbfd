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

