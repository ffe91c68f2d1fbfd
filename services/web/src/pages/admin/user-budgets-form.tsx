// A user's every-model monthly and daily limits in dollars, with where each stands this period, then the
// per-model ones.
import { useState, type FormEvent } from 'react';
import { Button } from '../../components/button.tsx';
import { TextField } from '../../components/field.tsx';
import { ErrorState, LoadingState } from '../../components/page-states.tsx';
import { formatMicros } from '../../format.ts';
import type { BudgetObject, UserObject } from '../../api/types.ts';
import { useUpdateBudgets, useUserBudgets } from './admin-queries.ts';
import { budgetChanges, currentLimits, type BudgetInputs } from './budget-changes.ts';
import { microsToDollars } from './dollars-to-micros.ts';
import { ModelBudgets } from './model-budgets.tsx';

export function UserBudgets({ user }: { user: UserObject }) {
  const budgets = useUserBudgets(user.id);
  // Kept above the form, which remounts with the saved figures, so "saved" outlives the remount.
  const [notice, setNotice] = useState<string | null>(null);
  if (budgets.isPending) return <LoadingState label="Loading budgets…" />;
  if (budgets.isError) return <ErrorState title="The budgets could not be loaded" error={budgets.error} onRetry={() => void budgets.refetch()} />;
  // Keyed by the loaded figures so a save (or another admin's) resets the fields to what the API holds.
  return (
    <>
      <BudgetsForm key={JSON.stringify(currentLimits(budgets.data.data))} user={user} budgets={budgets.data.data} notice={notice} onNotice={setNotice} />
      <ModelBudgets user={user} budgets={budgets.data.data} />
    </>
  );
}

interface BudgetsFormProps {
  user: UserObject;
  budgets: BudgetObject[];
  notice: string | null;
  onNotice: (notice: string | null) => void;
}

function BudgetsForm({ user, budgets, notice, onNotice: setNotice }: BudgetsFormProps) {
  const current = currentLimits(budgets);
  const save = useUpdateBudgets(user.id);
  const [inputs, setInputs] = useState<BudgetInputs>({
    month: current.month === null ? '' : microsToDollars(current.month),
    day: current.day === null ? '' : microsToDollars(current.day),
  });
  const [errors, setErrors] = useState<Partial<BudgetInputs>>({});

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setNotice(null);
    const result = budgetChanges(current, inputs);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    if (result.changes.length === 0) {
      setNotice('Nothing to change.');
      return;
    }
    save.mutate(result.changes, { onSuccess: () => setNotice('Budgets saved. They apply to the next video at once.') });
  };

  const field = (period: 'month' | 'day', label: string) => (
    <TextField
      label={label}
      inputMode="decimal"
      value={inputs[period]}
      error={errors[period]}
      hint={standing(budgets.find((budget) => budget.period === period && budget.model === null)) ?? 'Empty: no limit.'}
      onChange={(event) => setInputs({ ...inputs, [period]: event.target.value })}
    />
  );

  return (
    <form onSubmit={onSubmit} aria-label={`Budgets of ${user.name}`} className="space-y-3">
      <div className="grid gap-3 sm:grid-cols-2">
        {field('month', 'Monthly budget (USD)')}
        {field('day', 'Daily budget (USD)')}
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={save.isPending}>{save.isPending ? 'Saving…' : 'Save budgets'}</Button>
        <p aria-live="polite" className="text-sm text-emerald-800 dark:text-emerald-300">{notice}</p>
      </div>
      {save.error ? <ErrorState title="The budgets were not saved" error={save.error} /> : null}
    </form>
  );
}

function standing(budget: BudgetObject | undefined): string | null {
  if (!budget) return null;
  return `This period: ${formatMicros(budget.spent_micros)} spent, ${formatMicros(budget.reserved_micros)} reserved, ${formatMicros(budget.remaining_micros)} left.`;
}
