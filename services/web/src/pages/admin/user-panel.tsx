// One user in the admin console: role, disable or enable, rate limits and budgets.
import { useState } from 'react';
import { Button } from '../../components/button.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { SelectField } from '../../components/field.tsx';
import { ErrorState } from '../../components/page-states.tsx';
import { formatUnixSeconds } from '../../format.ts';
import type { UserObject } from '../../api/types.ts';
import { useUpdateUser } from './admin-queries.ts';
import { UserBudgets } from './user-budgets-form.tsx';
import { UserLimitsForm } from './user-limits-form.tsx';

const SECTION = 'rounded-xl border border-zinc-200 p-4 dark:border-zinc-800';

export function UserPanel({ user, onClose }: { user: UserObject; onClose: () => void }) {
  const update = useUpdateUser(user.id);
  const [confirmDisable, setConfirmDisable] = useState(false);
  const [role, setRole] = useState(user.role);

  return (
    <section aria-labelledby="user-panel-title" className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h2 id="user-panel-title" className="text-xl font-semibold">{user.name}</h2>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            <code>{user.id}</code>{user.email ? ` · ${user.email}` : ''} · since {formatUnixSeconds(user.created_at)}
            {user.disabled_at ? ` · disabled ${formatUnixSeconds(user.disabled_at)}` : ''}
          </p>
        </div>
        <Button variant="ghost" onClick={onClose}>Back to users</Button>
      </div>

      <div className={SECTION}>
        <h3 className="mb-3 font-medium">Account</h3>
        <div className="flex flex-wrap items-end gap-3">
          <div className="w-40">
            {/* Applied by its own button: a select that saved on change would PATCH once per arrow key in some browsers. */}
            <SelectField label="Role" value={role} onChange={(event) => setRole(event.target.value === 'admin' ? 'admin' : 'user')}>
              <option value="user">user</option>
              <option value="admin">admin</option>
            </SelectField>
          </div>
          <Button variant="secondary" disabled={update.isPending || role === user.role} onClick={() => update.mutate({ role })}>Change role</Button>
          {user.disabled_at ? (
            <Button variant="secondary" disabled={update.isPending} onClick={() => update.mutate({ disabled: false })}>Enable user</Button>
          ) : (
            <Button variant="danger" disabled={update.isPending} onClick={() => setConfirmDisable(true)}>Disable user</Button>
          )}
        </div>
        {update.error ? <div className="mt-3"><ErrorState title="The change was not saved" error={update.error} /></div> : null}
      </div>

      <div className={SECTION}>
        <h3 className="mb-3 font-medium">Budgets</h3>
        <UserBudgets user={user} />
      </div>

      <div className={SECTION}>
        <h3 className="mb-3 font-medium">Rate limits</h3>
        <UserLimitsForm user={user} />
      </div>

      <ConfirmDialog
        open={confirmDisable}
        title={`Disable ${user.name}?`}
        confirmLabel="Disable user"
        pending={update.isPending}
        onClose={() => setConfirmDisable(false)}
        onConfirm={() => update.mutate({ disabled: true }, { onSettled: () => setConfirmDisable(false) })}
      >
        Their API keys and sessions stop working from the next request. You can enable the user again later.
      </ConfirmDialog>
    </section>
  );
}
