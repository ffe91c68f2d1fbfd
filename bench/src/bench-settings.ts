// What the bench runs with. The provider is the emulator with no render time and no latency, so the figures
// are Sora Studio's own cost; the limits that exist to protect a real provider or budget are lifted.
export const BENCH_SETTINGS = {
  /** Every load phase (the project's and the anchors') runs this long. */
  loadSeconds: 10,
  /** HTTP connections of the submit, status-read and Fastify + Redis phases (autocannon, no pipelining). */
  connections: 50,
  /** Submit spreads its requests over this many users, each with a budget row of its own. */
  submitUsers: 1_000,
  /** End to end: this many videos submitted at once, timed until every one is completed. */
  endToEndVideos: 300,
  /** How many submits of the end-to-end phase are in flight at a time. */
  endToEndSubmitConcurrency: 32,
  endToEndTimeoutMs: 300_000,
  /** Before each run: wait until the 1-minute load average is under this, for at most `quietWaitMs`. */
  quietLoad: 2,
  quietWaitMs: 5 * 60_000,
} as const;

/** The emulator finishes every video at once and answers without delay. */
export const BENCH_EMULATOR_ENV: Record<string, string> = { EMULATOR_RENDER_MS: '0', EMULATOR_LATENCY_MS: '0' };

/**
 * Config for the API and workers. Worker concurrency, polls and retries keep their defaults. The log level is
 * production's default (info, a line per request), since writing those lines is part of what a request costs.
 */
export const BENCH_ENV: Record<string, string> = {
  LOG_LEVEL: 'info',
  RATE_LIMIT_USER_PER_MINUTE: '100000000',
  PROVIDER_REQUESTS_PER_SECOND: '100000',
  DEFAULT_MONTHLY_BUDGET_MICROS: '0',
};

/** The bench user's own limits: never the bottleneck. */
export const BENCH_USER_LIMITS = {
  monthlyBudgetMicros: 1_000_000_000_000_000,
  rateLimitPerMinute: 100_000_000,
  maxInFlight: 100_000,
} as const;

export const BENCH_BODY = { prompt: 'a bench of videos, one after another', seconds: '4' } as const;
