// A user's budgets, as the admin sees and changes them. Each change is written with its audit entry in one
// transaction, and applies to the next reservation at once.
import {
  findBudgetStandings, hasModel, InvalidRequestError, newId, notFound, type Budget, type BudgetObject, type Config, type Db,
  type UpdateBudgetsBody,
} from '@sora-studio/shared';
import { paramName } from '../errors/param-name.ts';
import { recordAudit } from './audit-log.repo.ts';
import { toBudgetObject } from './budget.mapper.ts';
import { deleteBudget, insertBudget, listBudgets, lockUserForBudgets, updateBudgetLimit } from './budget.repo.ts';
import { findUser } from './user.repo.ts';

type BudgetChange = UpdateBudgetsBody['budgets'][number];

/** A limit for a model the catalogue does not know would never apply: refused, naming the entry. */
function checkModels(config: Config, changes: BudgetChange[]): void {
  changes.forEach((change, index) => {
    if (change.limit_micros === null || change.model === null || hasModel(config.MODEL_CATALOG, change.model)) return;
    const known = Object.keys(config.MODEL_CATALOG.models).join(', ');
    throw new InvalidRequestError(`Unknown model '${change.model}'. Available models: ${known}.`, { param: paramName(['budgets', index, 'model']), code: 'invalid_model' });
  });
}

function limitOf(budget: Budget | undefined): { limit_micros: number } | null {
  return budget ? { limit_micros: budget.limitMicros } : null;
}

export function createBudgetService(deps: { config: Config; db: Db }) {
  async function list(userId: string): Promise<{ object: 'list'; data: BudgetObject[] }> {
    const standings = await findBudgetStandings(deps.db, userId);
    return { object: 'list', data: standings.map(toBudgetObject) };
  }

  return {
    async list(userId: string): Promise<{ object: 'list'; data: BudgetObject[] }> {
      if (!(await findUser(deps.db, userId))) throw notFound('user', userId);
      return list(userId);
    },

    /** Sets (a number) or removes (null) each named budget; unchanged ones are neither written nor audited. */
    async update(actor: string, userId: string, body: UpdateBudgetsBody): Promise<{ object: 'list'; data: BudgetObject[] }> {
      checkModels(deps.config, body.budgets);
      await deps.db.transaction().execute(async (trx) => {
        if (!(await lockUserForBudgets(trx, userId))) throw notFound('user', userId);
        const existing = await listBudgets(trx, userId);
        for (const change of body.budgets) {
          const current = existing.find((budget) => budget.period === change.period && budget.model === change.model);
          if ((current?.limitMicros ?? null) === change.limit_micros) continue;
          const budgetId = current?.id ?? newId('budget');
          if (change.limit_micros === null) await deleteBudget(trx, budgetId);
          else if (current) await updateBudgetLimit(trx, budgetId, change.limit_micros);
          else await insertBudget(trx, { id: budgetId, userId, period: change.period, model: change.model, limitMicros: change.limit_micros });
          await recordAudit(trx, {
            actor,
            action: 'budget.updated',
            targetId: userId,
            data: {
              budget_id: budgetId, period: change.period, model: change.model,
              before: limitOf(current), after: change.limit_micros === null ? null : { limit_micros: change.limit_micros },
            },
          });
        }
      });
      return list(userId);
    },
  };
}

export type BudgetService = ReturnType<typeof createBudgetService>;
