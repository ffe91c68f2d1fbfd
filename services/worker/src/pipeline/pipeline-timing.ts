// How long a video waits between runs. Pure, so the back-offs are tested without a queue.

type PollIntervals = { POLL_INTERVAL_MS: number; VIDEO_STALL_AFTER_MS: number };

/**
 * The wait after the `polls`-th poll (0: after the submit). It doubles from POLL_INTERVAL_MS, so a render of R ms
 * takes about log2(R / POLL_INTERVAL_MS) polls, however long it is (a fixed cap would make long renders linear in
 * R). `estimatedRemainingMs` (from the provider's progress, see estimateRemainingMs) may shorten a wait, to land
 * the poll near the estimated finish rather than up to twice the render time late, but never below a quarter of
 * the doubling wait, so the waits still grow geometrically: poll n comes at least POLL_INTERVAL_MS × 2^(n-2) after
 * the submit, and a render of R ms is found done within ⌈log2(R / POLL_INTERVAL_MS)⌉ + 2 polls, whatever the
 * estimates say. No wait exceeds VIDEO_STALL_AFTER_MS, so a video that stopped moving is still marked stalled
 * within one stall window of the deadline (which bounds renders longer than about twice the stall window).
 */
export function pollDelayMs(polls: number, intervals: PollIntervals, estimatedRemainingMs: number | null = null): number {
  const doubled = intervals.POLL_INTERVAL_MS * 2 ** Math.min(Math.max(polls, 0), 30);
  const ceiling = Math.min(doubled, intervals.VIDEO_STALL_AFTER_MS);
  if (estimatedRemainingMs === null || polls === 0) return ceiling;
  const floor = Math.min(doubled / 4, ceiling);
  return Math.round(Math.min(ceiling, Math.max(floor, estimatedRemainingMs)));
}

/**
 * The provider's remaining render time, from the progress it made since the last change we recorded (a rate,
 * so a provider that queues first only makes the estimate late, never early); null without progress to go by.
 */
export function estimateRemainingMs(before: { progress: number; atMs: number }, now: { progress: number; atMs: number }): number | null {
  const gained = now.progress - before.progress;
  const elapsedMs = now.atMs - before.atMs;
  if (gained <= 0 || elapsedMs <= 0 || now.progress >= 100) return null;
  return ((100 - now.progress) * elapsedMs) / gained;
}

type PollTiming = PollIntervals & { PROVIDER_WEBHOOKS: boolean; PROVIDER_WEBHOOK_POLL_INTERVAL_MS: number };

/**
 * The wait before the next poll of a video at the provider. With provider webhooks the provider's event wakes
 * the job the moment the video ends (POST /v1/provider/webhooks promotes it), so polling is only the safety net
 * for a lost event, at one long interval; without them, the back-off above.
 */
export function nextPollDelayMs(polls: number, config: PollTiming, estimatedRemainingMs: number | null = null): number {
  return config.PROVIDER_WEBHOOKS ? config.PROVIDER_WEBHOOK_POLL_INTERVAL_MS : pollDelayMs(polls, config, estimatedRemainingMs);
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
