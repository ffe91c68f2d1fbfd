// What every step of the video pipeline is given, passed explicitly so a test can run a step by itself
// against a real database, storage and the emulator.
import type { Config, Db, Logger, Storage, VideoCacheInvalidator } from '@sora-studio/shared';
import type { ProviderClient } from './provider/provider-client.ts';
import type { SlotWaiters } from './slots/slot-waiters.ts';

export interface PipelineDeps {
  db: Db;
  storage: Storage;
  provider: ProviderClient;
  config: Config;
  /** Inside a step: a child logger carrying the video's `videoId` and `requestId`. */
  logger: Logger;
  clock: () => Date;
  /** The API's status-read cache: every step's writes are invalidated after they commit (advance-video.ts). */
  videoCache: VideoCacheInvalidator;
  /** Videos parked at their owner's in-flight cap, and the wakes of whatever frees a slot (slots/slot-waiters.ts). */
  slots: SlotWaiters;
}

