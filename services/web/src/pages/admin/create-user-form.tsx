// Adds a user by name, optional email and role. Their first API key is made with the API (or they sign in by OIDC).
import { useState, type FormEvent } from 'react';
import { Button } from '../../components/button.tsx';
import { SelectField, TextField } from '../../components/field.tsx';
import { ErrorState } from '../../components/page-states.tsx';
import { useCreateUser } from './admin-queries.ts';

export function CreateUserForm({ onCreated }: { onCreated: (userId: string) => void }) {
  const create = useCreateUser();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<'user' | 'admin'>('user');

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const trimmedEmail = email.trim();
    create.mutate({ name: name.trim(), role, ...(trimmedEmail ? { email: trimmedEmail } : {}) }, {
      onSuccess: (user) => {
        setName('');
        setEmail('');
        setRole('user');
        onCreated(user.id);
      },
    });
  };

  return (
    <form onSubmit={onSubmit} aria-label="Create user" className="rounded-xl border border-zinc-200 p-4 dark:border-zinc-800">
      <h2 className="mb-3 font-medium">Create user</h2>
      <div className="grid gap-3 sm:grid-cols-[1fr_1fr_8rem_auto] sm:items-end">
        <TextField label="Name" required maxLength={200} value={name} onChange={(event) => setName(event.target.value)} />
        <TextField label="Email" type="email" maxLength={320} value={email} onChange={(event) => setEmail(event.target.value)} />
        <SelectField label="New user's role" value={role} onChange={(event) => setRole(event.target.value === 'admin' ? 'admin' : 'user')}>
          <option value="user">user</option>
          <option value="admin">admin</option>
        </SelectField>
        <Button type="submit" disabled={create.isPending || name.trim() === ''}>{create.isPending ? 'Creating…' : 'Create user'}</Button>
      </div>
      {create.error ? <div className="mt-3"><ErrorState title="The user was not created" error={create.error} /></div> : null}
    </form>
  );
}
