// The users tab: find a user (by name, email or id, among the pages loaded), open one to change it, add one.
import { useState } from 'react';
import { Button } from '../../components/button.tsx';
import { TextField } from '../../components/field.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../components/page-states.tsx';
import { formatUnixSeconds } from '../../format.ts';
import type { UserObject } from '../../api/types.ts';
import { useAdminUsers } from './admin-queries.ts';
import { CreateUserForm } from './create-user-form.tsx';
import { UserPanel } from './user-panel.tsx';

function matches(user: UserObject, search: string): boolean {
  const needle = search.trim().toLowerCase();
  return !needle || [user.name, user.email ?? '', user.id].some((text) => text.toLowerCase().includes(needle));
}

export function UsersSection() {
  const users = useAdminUsers();
  const [search, setSearch] = useState('');
  const [selectedId, setSelectedId] = useState<string | null>(null);

  if (users.isPending) return <LoadingState label="Loading users…" />;
  if (users.isError) return <ErrorState title="The users could not be loaded" error={users.error} onRetry={() => void users.refetch()} />;

  const all = users.data.pages.flatMap((page) => page.data);
  const selected = all.find((user) => user.id === selectedId);
  if (selected) return <UserPanel user={selected} onClose={() => setSelectedId(null)} />;

  const shown = all.filter((user) => matches(user, search));
  return (
    <div className="space-y-4">
      <div className="max-w-sm">
        <TextField label="Find a user" type="search" placeholder="Name, email or id" value={search} onChange={(event) => setSearch(event.target.value)} />
      </div>
      {shown.length === 0 ? (
        <EmptyState title={all.length === 0 ? 'No users yet' : 'No user matches'}>
          {all.length === 0 ? 'Create the first one below.' : users.hasNextPage ? 'Load more users to search further.' : 'Try another name.'}
        </EmptyState>
      ) : (
        <ul aria-label="Users" className="divide-y divide-zinc-200 rounded-xl border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
          {shown.map((user) => (
            <li key={user.id} className="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3 text-sm">
              <button type="button" onClick={() => setSelectedId(user.id)}
                className="font-medium text-emerald-800 underline-offset-2 hover:underline dark:text-emerald-300">
                {user.name}
              </button>
              <span className="text-zinc-600 dark:text-zinc-400">{user.email ?? 'no email'}</span>
              <span className="rounded-full bg-zinc-100 px-2 py-0.5 text-xs dark:bg-zinc-800">{user.role}</span>
              {user.disabled_at ? (
                <span className="rounded-full bg-red-100 px-2 py-0.5 text-xs text-red-900 dark:bg-red-950 dark:text-red-200">disabled</span>
              ) : null}
              <span className="ml-auto text-xs text-zinc-500 dark:text-zinc-400">since {formatUnixSeconds(user.created_at)}</span>
            </li>
          ))}
        </ul>
      )}
      {users.hasNextPage ? (
        <Button variant="secondary" disabled={users.isFetchingNextPage} onClick={() => void users.fetchNextPage()}>
          {users.isFetchingNextPage ? 'Loading…' : 'Load more users'}
        </Button>
      ) : null}
      <CreateUserForm onCreated={setSelectedId} />
    </div>
  );
}
