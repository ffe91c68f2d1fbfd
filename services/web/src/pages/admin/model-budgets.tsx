// A user's per-model budgets: a limit on one model for a month or a day, on top of the every-model ones.
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { modelsQuery } from '../../api/models.ts';
import { Button } from '../../components/button.tsx';
import { SelectField, TextField } from '../../components/field.tsx';
import { ErrorState } from '../../components/page-states.tsx';
import { formatMicros } from '../../format.ts';
import type { BudgetObject, UserObject } from '../../api/types.ts';
import { useUpdateBudgets, type BudgetPeriod } from './admin-queries.ts';
import { dollarsToMicros } from './dollars-to-micros.ts';

const PERIOD_WORDS: Record<BudgetPeriod, string> = { month: 'monthly', day: 'daily' };

export function ModelBudgets({ user, budgets }: { user: UserObject; budgets: BudgetObject[] }) {
  const models = useQuery(modelsQuery);
  const save = useUpdateBudgets(user.id);
  const [model, setModel] = useState('');
  const [period, setPeriod] = useState<BudgetPeriod>('month');
  const [amount, setAmount] = useState('');
  const [error, setError] = useState<string | null>(null);
  const perModel = budgets.filter((budget) => budget.model !== null);
  const chosenModel = model || models.data?.data[0]?.id || '';

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const limit = dollarsToMicros(amount);
    if (limit === null) {
      setError('Enter an amount in dollars, such as 25 or 12.50 (at most 6 decimals).');
      return;
    }
    setError(null);
    save.mutate([{ period, model: chosenModel, limit_micros: limit }], { onSuccess: () => setAmount('') });
  };

  return (
    <div className="mt-4 space-y-3 border-t border-zinc-200 pt-4 dark:border-zinc-800">
      <h4 className="text-sm font-medium">Per-model budgets</h4>
      {perModel.length === 0 ? <p className="text-sm text-zinc-600 dark:text-zinc-400">None: only the limits above apply.</p> : (
        <ul className="space-y-2 text-sm">
          {perModel.map((budget) => (
            <li key={budget.id} className="flex flex-wrap items-center gap-2">
              <span><code>{budget.model}</code>, {PERIOD_WORDS[budget.period]}: {formatMicros(budget.limit_micros)} ({formatMicros(budget.remaining_micros)} left)</span>
              <Button variant="ghost" disabled={save.isPending} aria-label={`Remove the ${PERIOD_WORDS[budget.period]} budget of ${budget.model ?? ''}`}
                onClick={() => save.mutate([{ period: budget.period, model: budget.model, limit_micros: null }])}>
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={onSubmit} aria-label={`Per-model budget of ${user.name}`} className="grid gap-3 sm:grid-cols-[1fr_9rem_10rem_auto] sm:items-end">
        <SelectField label="Model" value={chosenModel} onChange={(event) => setModel(event.target.value)} disabled={!models.data}>
          {models.data?.data.map((entry) => <option key={entry.id} value={entry.id}>{entry.id}</option>)}
        </SelectField>
        <SelectField label="Period" value={period} onChange={(event) => setPeriod(event.target.value === 'day' ? 'day' : 'month')}>
          <option value="month">Monthly</option>
          <option value="day">Daily</option>
        </SelectField>
        <TextField label="Model limit (USD)" inputMode="decimal" value={amount} error={error} onChange={(event) => setAmount(event.target.value)} />
        <Button type="submit" variant="secondary" disabled={save.isPending || !chosenModel || amount.trim() === ''}>Set model budget</Button>
      </form>
      {models.isError ? <ErrorState title="The models could not be loaded" error={models.error} onRetry={() => void models.refetch()} /> : null}
      {save.error ? <ErrorState title="The model budget was not saved" error={save.error} /> : null}
    </div>
  );
}
