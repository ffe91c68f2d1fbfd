// Closing a video's holds when its cost is settled or released: each budget it was reserved against gives
// the reservation back and counts what was spent (0 on a release). Spent may pass the limit when the
// provider delivered more than was asked; it billed that, so settlement never refuses.
import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/database.ts';
import { recordThresholdCrossings } from './budget-events.ts';

/** Runs once per video, in the transaction whose ledger insert proved it is the first settle or release. */
export async function closeBudgetHolds(trx: Transaction<Database>, videoId: string, spentMicros: number): Promise<void> {
  const holds = await trx.selectFrom('budgetHolds as h')
    .innerJoin('budgets as b', 'b.id', 'h.budgetId')
    .select(['h.budgetId', 'h.periodStart', 'h.amountMicros', 'b.id', 'b.userId', 'b.limitMicros'])
    .where('h.videoId', '=', videoId)
    .orderBy('h.budgetId')
    // The same lock order as a reservation: the budget first, then its counter.
    .forKeyShare('b')
    .execute();
  for (const hold of holds) {
    const counters = await trx.updateTable('budgetUsage')
      .set((eb) => ({
        reservedMicros: eb('reservedMicros', '-', hold.amountMicros),
        spentMicros: eb('spentMicros', '+', spentMicros),
        updatedAt: sql<Date>`now()`,
      }))
      .where('budgetId', '=', hold.budgetId)
      .where('periodStart', '=', hold.periodStart)
      .returning(['periodStart', 'spentMicros', 'reservedMicros'])
      .executeTakeFirstOrThrow();
    await recordThresholdCrossings(trx, hold, counters);
  }
}
