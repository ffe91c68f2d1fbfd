// When finalize tries a failed download again. The provider drops its copy at `provider_expires_at`, after
// which no retry can succeed, so the retries left must all fit before it: each waits the usual back-off, but
// never so long that the attempts after it would not fit. Pure, so the rule is tested without a clock or queue.

/** Where a video's download stands against the provider's deadline. */
export type AssetDeadline =
  /** The provider gave no `expires_at`: nothing to plan against. */
  | 'unknown'
  /** More than the margin (ASSET_AT_RISK_MARGIN_SECONDS) is left. */
  | 'safe'
  /** Within the margin: the copy must succeed soon or be lost. */
  | 'at_risk'
  /** The provider's copy is gone. */
  | 'expired';

export interface DeadlineClock {
  nowMs: number;
  /** The provider's `expires_at` in ms, or null when it gave none. */
  expiresAtMs: number | null;
  marginMs: number;
}

export function assetDeadline({ nowMs, expiresAtMs, marginMs }: DeadlineClock): AssetDeadline {
  if (expiresAtMs === null) return 'unknown';
  const leftMs = expiresAtMs - nowMs;
  if (leftMs <= 0) return 'expired';
  return leftMs <= marginMs ? 'at_risk' : 'safe';
}

/**
 * The wait before the next download attempt, with `attemptsLeft` (≥ 1) still in the budget. Outside the margin,
 * the attempts left share the time before the margin begins, so even the last one lands with the margin to
 * spare; inside it, they share what is left, with one share kept at the end. Never more than `backoffMs`, never
 * less than 1 ms.
 */
export function downloadRetryDelayMs(backoffMs: number, attemptsLeft: number, clock: DeadlineClock): number {
  if (clock.expiresAtMs === null) return backoffMs;
  const leftMs = clock.expiresAtMs - clock.nowMs;
  if (leftMs <= 0) return backoffMs;
  const attempts = Math.max(1, attemptsLeft);
  const beforeMarginMs = leftMs - clock.marginMs;
  const capMs = beforeMarginMs > 0 ? beforeMarginMs / attempts : leftMs / (attempts + 1);
  return Math.max(1, Math.min(backoffMs, Math.floor(capMs)));
}
