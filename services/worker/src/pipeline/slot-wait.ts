// How long a video parked at its owner's in-flight cap sleeps. Pure, so it is tested without a queue.

/**
 * The safety net of a parked video: a freed slot wakes it long before (slots/slot-waiters.ts), so this only
 * bounds what a lost wake costs. It grows with the owner's backlog, so however many wait, their safety nets
 * fire about `cap` times per `safetyNetMs` in all: a backlog of thousands costs the database nothing per
 * waiting video. Jittered so videos parked together do not look together.
 */
export function slotSafetyNetMs(waiting: number, cap: number, safetyNetMs: number, random: () => number = Math.random): number {
  const spread = safetyNetMs * Math.max(1, waiting / cap);
  return Math.max(1, Math.round(spread * (0.5 + random())));
}
