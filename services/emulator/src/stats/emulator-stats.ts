// Counters tests read through GET /_emulator/stats, e.g. to prove the worker created each video exactly once.
export interface EmulatorStatsSnapshot {
  /** Videos that now exist because of a create or remix (idempotent replays and failed attempts excluded). */
  videosCreated: number;
  /** Create and remix requests received, whatever their outcome. */
  createRequests: number;
  /** Requests to the /v1 API. */
  requests: number;
}

export class EmulatorStats {
  videosCreated = 0;
  createRequests = 0;
  requests = 0;

  snapshot(): EmulatorStatsSnapshot {
    return { videosCreated: this.videosCreated, createRequests: this.createRequests, requests: this.requests };
  }
}
