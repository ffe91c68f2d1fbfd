// Sign in with an API key (exchanged for an httpOnly session cookie; the key is never stored in the browser),
// or with the organisation's OIDC provider when the server has one configured.
import { useQuery } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { api } from '../../api/http.ts';
import { sessionEndedQuery, useSignIn } from '../../api/session.ts';
import type { SignInMethods } from '../../api/types.ts';
import { Button } from '../../components/button.tsx';
import { TextField } from '../../components/field.tsx';
import { ErrorState } from '../../components/page-states.tsx';

const OIDC_ERRORS: Record<string, string> = {
  oidc_unavailable: 'The sign-in provider could not be reached. Try again, or sign in with an API key.',
  login_denied: 'The sign-in provider did not sign you in.',
  login_expired: 'The sign-in took too long or was started in another browser. Start again.',
  login_failed: 'The sign-in provider sent an answer the Studio could not use. Start again.',
  state_mismatch: 'The sign-in did not match the one this browser started. Start again.',
  unknown_subject: 'Your account is not set up in this Studio. Ask an administrator to add you.',
  user_disabled: 'Your Studio user is disabled.',
};

export function SignInPage() {
  const [apiKey, setApiKey] = useState('');
  const signIn = useSignIn();
  const navigate = useNavigate();
  const { sign_in_error: oidcError } = useSearch({ from: '/sign-in' });
  const methods = useQuery({ queryKey: ['sign-in-methods'], queryFn: () => api<SignInMethods>('/v1/session/methods'), staleTime: Infinity });
  const ended = useQuery(sessionEndedQuery).data;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate(apiKey.trim(), {
      onSuccess: () => {
        setApiKey('');
        void navigate({ to: '/create' });
      },
    });
  };

  return (
    <main className="grid min-h-screen place-items-center px-4">
      <div className="w-full max-w-sm">
        <h1 className="flex items-center gap-2 text-2xl font-semibold text-emerald-700 dark:text-emerald-400">
          <span aria-hidden="true" className="grid size-8 place-items-center rounded-lg bg-emerald-600 text-white">▶</span>
          Sora Studio
        </h1>
        <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">Sign in to create videos, watch them render and see what they cost.</p>
        {ended && !oidcError ? (
          <p role="status" className="mt-4 rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
            {ended}
          </p>
        ) : null}
        {oidcError ? <div className="mt-4"><ErrorState title="Sign-in failed" error={new Error(OIDC_ERRORS[oidcError] ?? 'Sign-in did not complete.')} /></div> : null}
        <form onSubmit={submit} className="mt-6 space-y-4" noValidate>
          <TextField
            label="API key"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={apiKey}
            onChange={(event) => setApiKey(event.target.value)}
            hint="Starts with sk_. It is exchanged for a session cookie and not kept in this browser."
            required
          />
          {signIn.error ? <ErrorState title="Could not sign in" error={signIn.error} /> : null}
          <Button type="submit" className="w-full" disabled={signIn.isPending || apiKey.trim() === ''}>
            {signIn.isPending ? 'Signing in…' : 'Sign in'}
          </Button>
        </form>
        {methods.data?.oidc.enabled ? (
          <>
            <div className="my-6 flex items-center gap-3 text-xs text-zinc-500"><span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />or<span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" /></div>
            {/* A navigation, not a fetch: the issuer's login page takes over, then the callback sets the cookie. */}
            <a href={methods.data.oidc.start_url ?? '/v1/sessions/oidc/start'} className="flex w-full items-center justify-center rounded-lg border border-zinc-300 px-3.5 py-2 text-sm font-medium hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-900">
              Sign in with single sign-on
            </a>
          </>
        ) : null}
      </div>
    </main>
  );
}
