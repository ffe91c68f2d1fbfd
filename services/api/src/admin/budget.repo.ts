// Budget rows as the admin changes them. The counters (budget_usage) are never written here.
import { sql } from 'kysely';
import type { Budget, Db } from '@sora-studio/shared';

/**
 * Serialises budget changes of one user. NO KEY UPDATE, not UPDATE: a submit's foreign-key check takes
 * KEY SHARE on the user's row, and a limit change must not wait for submits in flight, or stop them.
 */
export async function lockUserForBudgets(db: Db, userId: string): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('id', '=', userId).forNoKeyUpdate().executeTakeFirst();
  return row !== undefined;
}

export async function listBudgets(db: Db, userId: string): Promise<Budget[]> {
  return db.selectFrom('budgets').selectAll().where('userId', '=', userId).orderBy('id').execute();
}

export async function insertBudget(db: Db, row: Pick<Budget, 'id' | 'userId' | 'period' | 'model' | 'limitMicros'>): Promise<void> {
  await db.insertInto('budgets').values(row).execute();
}

/** The new limit holds from the next reservation on; what is reserved and spent stays. */
export async function updateBudgetLimit(db: Db, budgetId: string, limitMicros: number): Promise<void> {
  await db.updateTable('budgets').set({ limitMicros, updatedAt: sql<Date>`now()` }).where('id', '=', budgetId).execute();
}

/** Its counters, holds and events go with it (on delete cascade); the ledger keeps every entry. */
export async function deleteBudget(db: Db, budgetId: string): Promise<void> {
  await db.deleteFrom('budgets').where('id', '=', budgetId).execute();
}
