// A user's request rate and in-flight cap; an empty field returns the limit to the default from config.
import { useState, type FormEvent } from 'react';
import { Button } from '../../components/button.tsx';
import { TextField } from '../../components/field.tsx';
import { ErrorState } from '../../components/page-states.tsx';
import type { UserObject } from '../../api/types.ts';
import { useUpdateUser } from './admin-queries.ts';

/** "" → null (the default); a whole number ≥ 1 → itself; anything else → undefined (refused). */
function limitOf(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return /^[1-9]\d{0,6}$/.test(trimmed) ? Number(trimmed) : undefined;
}

export function UserLimitsForm({ user }: { user: UserObject }) {
  const update = useUpdateUser(user.id);
  const [perMinute, setPerMinute] = useState(user.rate_limit_per_minute?.toString() ?? '');
  const [inFlight, setInFlight] = useState(user.max_in_flight?.toString() ?? '');
  const [notice, setNotice] = useState<string | null>(null);
  const perMinuteLimit = limitOf(perMinute);
  const inFlightLimit = limitOf(inFlight);
  const invalid = 'Enter a whole number of at least 1, or leave it empty for the default.';

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setNotice(null);
    if (perMinuteLimit === undefined || inFlightLimit === undefined) return;
    update.mutate({ rate_limit_per_minute: perMinuteLimit, max_in_flight: inFlightLimit }, { onSuccess: () => setNotice('Limits saved.') });
  };

  return (
    <form onSubmit={onSubmit} aria-label={`Rate limits of ${user.name}`} className="space-y-3">
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField label="Requests per minute" inputMode="numeric" value={perMinute} onChange={(event) => setPerMinute(event.target.value)}
          error={perMinuteLimit === undefined ? invalid : null} hint="Empty: the role's default." />
        <TextField label="Videos in flight at once" inputMode="numeric" value={inFlight} onChange={(event) => setInFlight(event.target.value)}
          error={inFlightLimit === undefined ? invalid : null} hint="Empty: the server's default." />
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={update.isPending || perMinuteLimit === undefined || inFlightLimit === undefined}>
          {update.isPending ? 'Saving…' : 'Save limits'}
        </Button>
        <p aria-live="polite" className="text-sm text-emerald-800 dark:text-emerald-300">{notice}</p>
      </div>
      {update.error ? <ErrorState title="The limits were not saved" error={update.error} /> : null}
    </form>
  );
}
