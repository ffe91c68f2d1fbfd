// Which outbox rows past the cursor are safe to dispatch. Ids come from a sequence, and a transaction that
// took id 10 can commit after one that took 11: a reader that saw 11 and moved its cursor past it would
// never see 10. So the cursor only moves through ids that are final:
// - ids with no gap before them (the next id after the cursor, and so on);
// - ids up to a "horizon": when rows lie past a gap, we note the highest id read and one past the newest
//   transaction running in our database just after the read. A transaction holding a missing id was running
//   then (had it ended, its row would be visible or its id gone), with its transaction id already assigned,
//   so below that mark; once the oldest transaction still running is at or above the mark, all of them have
//   committed (their rows are visible) or rolled back (the id is gone for good), and every id up to the
//   horizon is final. In practice: one dispatcher tick later.
// The lifecycle helper and the budget counters write their own row (assigning the transaction id) before
// the outbox row takes its id, which is what "already assigned" needs.
export interface OutboxCursorState {
  lastId: number;
  horizonId: number | null;
  horizonXmax: number | null;
}

export interface SnapshotBounds {
  /** The oldest transaction running in our database (every one below it has ended). */
  xmin: number;
  /** One past the newest transaction running in our database (or past the reader's own). */
  xmax: number;
}

export interface OutboxPlan {
  /** The ids to dispatch now, in order. */
  take: number[];
  next: OutboxCursorState;
}

/** `ids`: the ids read past the cursor, ascending; `batchFull`: the read hit its limit (more may follow). */
export function planOutboxRead(cursor: OutboxCursorState, ids: readonly number[], snapshot: SnapshotBounds, batchFull: boolean): OutboxPlan {
  const horizonPassed = cursor.horizonId !== null && cursor.horizonXmax !== null && snapshot.xmin >= cursor.horizonXmax;
  const finalUpTo = horizonPassed ? Math.max(cursor.lastId, cursor.horizonId ?? 0) : cursor.lastId;
  const take: number[] = [];
  let last = cursor.lastId;
  for (const id of ids) {
    if (id <= finalUpTo || id === last + 1) {
      take.push(id);
      last = id;
      continue;
    }
    // Reaching an id past finalUpTo means every visible id up to it has been read, so the ones missing
    // below it are gone for good: continue from there.
    if (last < finalUpTo) {
      last = finalUpTo;
      if (id === last + 1) {
        take.push(id);
        last = id;
        continue;
      }
    }
    break;
  }
  if (!batchFull && take.length === ids.length) last = Math.max(last, finalUpTo);
  const waiting = ids.length > take.length;
  let horizonId = horizonPassed ? null : cursor.horizonId;
  let horizonXmax = horizonPassed ? null : cursor.horizonXmax;
  if (horizonId !== null && last >= horizonId) {
    horizonId = null;
    horizonXmax = null;
  }
  if (waiting && horizonId === null) {
    horizonId = ids[ids.length - 1] ?? null;
    horizonXmax = snapshot.xmax;
  }
  return { take, next: { lastId: last, horizonId, horizonXmax } };
}
