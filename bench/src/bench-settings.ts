// What the bench runs with. The provider is the emulator with no render time and no latency, so the figures
// are Sora Studio's own cost; the limits that exist to protect a real provider or budget are lifted.
export const BENCH_SETTINGS = {
  /** Every load phase (the project's and the anchors') runs this long. */
  loadSeconds: 10,
  /** HTTP connections of the submit, status-read and Fastify + Redis phases (autocannon, no pipelining). */
  connections: 50,
  /** Submit spreads its requests over this many users, each with a budget row of its own. */
  submitUsers: 1_000,
  /**
   * End to end: this many videos, submitted through the SDK while the worker runs, timed until every one is
   * completed. Enough that the phase lasts many render times, so its steady state (below) is long.
   */
  endToEndVideos: 3_000,
  /** How many submits of the end-to-end phase are in flight at a time, and from how many users (one per lane). */
  endToEndSubmitConcurrency: 32,
  endToEndUsers: 32,
  /**
   * The steady-state window: from the moment this share of the videos had completed to the moment that share had.
   * Outside it the pipeline fills (the first render, the first poll) and drains; inside it, it runs at its rate.
   */
  endToEndWindow: { from: 0.1, to: 0.9 },
  endToEndTimeoutMs: 600_000,
  /** Before each run: wait until the 1-minute load average is under this, for at most `quietWaitMs`. */
  quietLoad: 2,
  quietWaitMs: 5 * 60_000,
} as const;

/**
 * The emulator answers without delay and renders each video in 3 s, so the end-to-end phase runs every step
 * (submit, the polls, finalize) and its polls per video can be held to issue 10's bound; in the steady state the
 * render time overlaps other videos' work and does not lower the rate.
 */
export const BENCH_RENDER_MS = 3_000;
export const BENCH_EMULATOR_ENV: Record<string, string> = { EMULATOR_RENDER_MS: String(BENCH_RENDER_MS), EMULATOR_LATENCY_MS: '0' };

/**
 * Config for the API and workers. Polls and retries keep their defaults (the first poll 2 s after the submit).
 * The log level is production's default (info), since writing those lines is part of what a request costs.
 */
export const BENCH_ENV: Record<string, string> = {
  LOG_LEVEL: 'info',
  RATE_LIMIT_USER_PER_MINUTE: '100000000',
  DEFAULT_MONTHLY_BUDGET_MICROS: '0',
};

/**
 * The worker as a deployment would run it in front of a fast provider: more jobs at once than the default 16
 * (each mostly waits on the provider, Postgres or storage), a pool to match, and a provider lane allowing well
 * over the runs per second the target needs (a video takes about 3: the submit, then 1–2 polls, the last of which
 * goes on to finalize in the same run).
 */
export const BENCH_WORKER_ENV: Record<string, string> = {
  WORKER_CONCURRENCY: '64',
  DATABASE_POOL_SIZE: '20',
  PROVIDER_REQUESTS_PER_SECOND: '2000',
};

/** The bench user's own limits: never the bottleneck. */
export const BENCH_USER_LIMITS = {
  monthlyBudgetMicros: 1_000_000_000_000_000,
  rateLimitPerMinute: 100_000_000,
  maxInFlight: 100_000,
} as const;

export const BENCH_BODY = { prompt: 'a bench of videos, one after another', seconds: '4' } as const;
