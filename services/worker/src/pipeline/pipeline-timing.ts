// How long a video waits between runs. Pure, so the back-offs are tested without a queue.

/** Polls back off from POLL_INTERVAL_MS, doubling each time, up to POLL_MAX_INTERVAL_MS. */
export function pollDelayMs(polls: number, intervals: { POLL_INTERVAL_MS: number; POLL_MAX_INTERVAL_MS: number }): number {
  const doubled = intervals.POLL_INTERVAL_MS * 2 ** Math.min(polls, 30);
  return Math.min(doubled, intervals.POLL_MAX_INTERVAL_MS);
}

type PollTiming = Parameters<typeof pollDelayMs>[1] & { PROVIDER_WEBHOOKS: boolean; PROVIDER_WEBHOOK_POLL_INTERVAL_MS: number };

/**
 * The wait before the next poll of a video at the provider. With provider webhooks the provider's event wakes
 * the job the moment the video ends (POST /v1/provider/webhooks promotes it), so polling is only the safety net
 * for a lost event, at one long interval; without them, the back-off above.
 */
export function nextPollDelayMs(polls: number, config: PollTiming): number {
  return config.PROVIDER_WEBHOOKS ? config.PROVIDER_WEBHOOK_POLL_INTERVAL_MS : pollDelayMs(polls, config);
}

/**
 * A step's retry after its `failures`-th consecutive failure: RETRY_BASE_DELAY_MS doubling each time, up to
 * RETRY_MAX_DELAY_MS, jittered by a quarter either way so videos that failed together do not retry together.
 */
export function retryDelayMs(
  failures: number,
  retry: { RETRY_BASE_DELAY_MS: number; RETRY_MAX_DELAY_MS: number },
  random: () => number = Math.random,
): number {
  const doubled = Math.min(retry.RETRY_BASE_DELAY_MS * 2 ** Math.min(Math.max(failures - 1, 0), 30), retry.RETRY_MAX_DELAY_MS);
  return Math.max(1, Math.round(doubled * (0.75 + random() / 2)));
}

/**
 * How long a video waits when its owner is at their in-flight cap. The wait grows with the owner's backlog,
 * so however many videos wait, together they look for a free slot about `cap` times per poll interval: a
 * backlog of thousands does not spend the provider lane's budget on checks. Jittered so they do not wake
 * together.
 */
export function slotWaitMs(waiting: number, cap: number, pollIntervalMs: number, random: () => number = Math.random): number {
  const spread = pollIntervalMs * Math.max(1, waiting / cap);
  return Math.max(1, Math.round(spread * (0.5 + random())));
}
