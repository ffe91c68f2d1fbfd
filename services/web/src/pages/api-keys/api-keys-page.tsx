// The signed-in user's API keys: create one (its key shown once, to copy), see them all, revoke one.
import { useRouteContext } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { PageHeader } from '../../components/app-shell.tsx';
import { Button } from '../../components/button.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { TextField } from '../../components/field.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../components/page-states.tsx';
import { SecretReveal } from '../../components/secret-reveal.tsx';
import type { ApiKeyCreated, ApiKeyObject } from '../../api/types.ts';
import { ApiKeyTable } from './api-key-table.tsx';
import { useApiKeys, useCreateApiKey, useRevokeApiKey } from './api-key-queries.ts';

export function ApiKeysPage() {
  const keys = useApiKeys();
  const create = useCreateApiKey();
  const revoke = useRevokeApiKey();
  const [name, setName] = useState('');
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const [toRevoke, setToRevoke] = useState<ApiKeyObject | null>(null);
  const { session } = useRouteContext({ from: '/signed-in' });
  const signedInWith = session.credential.kind === 'api_key' ? session.credential.key_prefix : null;

  const onCreate = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(name.trim(), {
      onSuccess: (key) => {
        setCreated(key);
        setName('');
      },
    });
  };

  const onRevoke = () => {
    if (!toRevoke) return;
    revoke.mutate(toRevoke.id, { onSuccess: () => setToRevoke(null) });
  };

  return (
    <>
      <PageHeader title="API keys">Keys let scripts and the openai SDK act as you. Revoke one you no longer use.</PageHeader>

      <form onSubmit={onCreate} className="mb-6 flex flex-wrap items-end gap-3 rounded-xl border border-zinc-200 p-4 dark:border-zinc-800">
        <div className="min-w-56 flex-1">
          <TextField label="Key name" value={name} onChange={(event) => setName(event.target.value)} maxLength={200} placeholder="e.g. CI pipeline" />
        </div>
        <Button type="submit" disabled={create.isPending}>{create.isPending ? 'Creating…' : 'Create key'}</Button>
        {create.error ? <div className="w-full"><ErrorState title="The key was not created" error={create.error} /></div> : null}
      </form>

      {created ? (
        <div className="mb-6">
          <SecretReveal label={`New key "${created.name}"`} value={created.key} onDismiss={() => setCreated(null)} />
        </div>
      ) : null}

      {keys.isPending ? <LoadingState label="Loading your keys…" /> : null}
      {keys.isError ? <ErrorState title="Your keys could not be loaded" error={keys.error} onRetry={() => void keys.refetch()} /> : null}
      {keys.data && keys.data.data.length === 0 ? <EmptyState title="No API keys yet">Create one above to call the API from a script.</EmptyState> : null}
      {keys.data && keys.data.data.length > 0 ? <ApiKeyTable keys={keys.data.data} onRevoke={(key) => { revoke.reset(); setToRevoke(key); }} /> : null}

      <ConfirmDialog
        open={toRevoke !== null}
        title="Revoke this key?"
        confirmLabel="Revoke key"
        pending={revoke.isPending}
        onConfirm={onRevoke}
        onClose={() => setToRevoke(null)}
      >
        <p>
          Anything using <strong>{toRevoke?.name}</strong> (<code>{toRevoke?.prefix}…</code>) stops working at once. This cannot be undone.
        </p>
        {toRevoke && toRevoke.prefix === signedInWith ? (
          <p className="mt-2 font-medium">You signed in to the Studio with this key: revoking it signs you out.</p>
        ) : null}
        {revoke.error ? <p role="alert" className="mt-2 text-red-700 dark:text-red-400">{revoke.error.message}</p> : null}
      </ConfirmDialog>
    </>
  );
}
