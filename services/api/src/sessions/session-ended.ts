// "This session has ended", in process: a long-lived response a session authenticated (an event stream)
// must not outlive the session. Listeners are keyed by the session's token hash; sign-out fires them, and
// so does the session's expiry, which a timer per listener watches (a stream open at expires_at ends then).
// In process only: a sign-out handled by another API process does not reach this one's listeners.

export type SessionEndReason = 'signed_out' | 'expired';
export type SessionEndedListener = (reason: SessionEndReason) => void;

/** setTimeout's longest delay; a later expiry is simply not watched (sessions last hours, not weeks). */
const MAX_TIMER_MS = 2_147_483_647;

export interface SessionEndedHooks {
  /** Calls `listener` once when the session ends; the returned function stops listening (call it when done). */
  subscribe(tokenHash: string, expiresAt: Date, listener: SessionEndedListener): () => void;
  /** Tells, and forgets, every listener of the session. */
  fire(tokenHash: string, reason: SessionEndReason): void;
  /** Listeners waiting, for tests and metrics. */
  readonly size: number;
}

export function createSessionEndedHooks(): SessionEndedHooks {
  const listeners = new Map<string, Set<SessionEndedListener>>();
  let size = 0;

  function remove(tokenHash: string, listener: SessionEndedListener): boolean {
    const set = listeners.get(tokenHash);
    if (!set?.delete(listener)) return false;
    size--;
    if (set.size === 0) listeners.delete(tokenHash);
    return true;
  }

  return {
    subscribe(tokenHash, expiresAt, listener) {
      let timer: NodeJS.Timeout | undefined;
      const once: SessionEndedListener = (reason) => {
        clearTimeout(timer);
        if (remove(tokenHash, once)) listener(reason);
      };
      let set = listeners.get(tokenHash);
      if (!set) listeners.set(tokenHash, (set = new Set()));
      set.add(once);
      size++;
      const untilExpiry = expiresAt.getTime() - Date.now();
      if (untilExpiry <= 0) {
        queueMicrotask(() => once('expired'));
      } else if (untilExpiry <= MAX_TIMER_MS) {
        timer = setTimeout(() => once('expired'), untilExpiry);
        timer.unref();
      }
      return () => {
        clearTimeout(timer);
        remove(tokenHash, once);
      };
    },
    fire(tokenHash, reason) {
      for (const listener of [...listeners.get(tokenHash) ?? []]) listener(reason);
    },
    get size() {
      return size;
    },
  };
}
