// Pipeline timings for tests: short polls, retries and reconciles, so a video finishes in well under a second
// of waiting. Passed as environment to loadConfig.
export const FAST_PIPELINE_ENV = {
  POLL_INTERVAL_MS: '50',
  POLL_MAX_INTERVAL_MS: '200',
  RETRY_BASE_DELAY_MS: '20',
  RECONCILE_INTERVAL_MS: '200',
  // The reconciler would also adopt the unfinished videos of earlier tests in the file (their jobs live under
  // other prefixes), so it stays out of the way unless a test shortens this.
  RECONCILE_GRACE_MS: '600000',
  SUBMIT_ATTEMPTS: '5',
  POLL_ATTEMPTS: '5',
  FINALIZE_ATTEMPTS: '5',
  RETRY_MAX_DELAY_MS: '200',
  // Webhooks: dispatch often, retry within a second or two, give up on a silent receiver quickly. A retry
  // waits just over a second so each attempt carries a new webhook-timestamp (whole seconds).
  WEBHOOK_DISPATCH_INTERVAL_MS: '100',
  WEBHOOK_RETRY_SCHEDULE: '0,1100,1100,1100',
  WEBHOOK_TIMEOUT_MS: '2000',
  WEBHOOK_REQUEUE_GRACE_MS: '1000',
} as const satisfies Record<string, string>;
