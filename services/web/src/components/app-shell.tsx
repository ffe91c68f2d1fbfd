// The frame of every signed-in page: the navigation, who is signed in, the theme switch, sign-out, and the
// one live event stream the pages' caches are fed from.
import { useQuery } from '@tanstack/react-query';
import { Link, Outlet, useNavigate, useRouteContext } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { sessionEndedQuery, useSignOut } from '../api/session.ts';
import { useLiveVideoEvents } from '../live/use-live-video-events.ts';
import { applyTheme, preferredTheme, type Theme } from '../theme.ts';
import { Button } from './button.tsx';

const NAV = [
  { to: '/create', label: 'Create' },
  { to: '/gallery', label: 'Gallery' },
  { to: '/usage', label: 'Usage' },
  { to: '/webhooks', label: 'Webhooks' },
  { to: '/api-keys', label: 'API keys' },
] as const;

const LINK = 'whitespace-nowrap rounded-md px-3 py-1.5 text-sm font-medium text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800';
const ACTIVE = 'bg-emerald-50 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200';

export function AppShell() {
  const { session } = useRouteContext({ from: '/signed-in' });
  const live = useLiveVideoEvents(true);
  const signOut = useSignOut();
  const navigate = useNavigate();
  const [theme, setTheme] = useState<Theme>(preferredTheme);
  // The session ended under us (a revoked key, expiry): the pages' 401s would only confuse, so go and sign in.
  const ended = useQuery(sessionEndedQuery).data;
  useEffect(() => {
    if (ended) void navigate({ to: '/sign-in' });
  }, [ended, navigate]);

  const toggleTheme = () => {
    const next = theme === 'dark' ? 'light' : 'dark';
    applyTheme(next, true);
    setTheme(next);
  };

  return (
    <div className="min-h-screen">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:p-2 dark:focus:bg-zinc-900">
        Skip to content
      </a>
      <header className="border-b border-zinc-200 bg-white/80 dark:border-zinc-800 dark:bg-zinc-950/80">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
          <Link to="/create" className="flex items-center gap-2 font-semibold text-emerald-700 dark:text-emerald-400">
            <span aria-hidden="true" className="grid size-7 place-items-center rounded-lg bg-emerald-600 text-white">▶</span>
            Sora Studio
          </Link>
          <nav aria-label="Main" className="order-last -mx-1 flex w-full flex-wrap gap-1 sm:order-none sm:w-auto">
            {NAV.map((item) => (
              <Link key={item.to} to={item.to} className={LINK} activeProps={{ className: ACTIVE, 'aria-current': 'page' }}>
                {item.label}
              </Link>
            ))}
            {session.user.role === 'admin' ? (
              <Link to="/admin" className={LINK} activeProps={{ className: ACTIVE, 'aria-current': 'page' }}>Admin</Link>
            ) : null}
          </nav>
          <div className="ml-auto flex items-center gap-2 text-sm">
            <span className="hidden text-zinc-600 sm:inline dark:text-zinc-400" title={live === 'open' ? 'Live updates on' : 'Reconnecting to live updates'}>
              <span aria-hidden="true" className={`mr-1 inline-block size-2 rounded-full ${live === 'open' ? 'bg-emerald-500' : 'bg-amber-500'}`} />
              {session.user.name}
            </span>
            <Button variant="ghost" onClick={toggleTheme} aria-label={theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}>
              {theme === 'dark' ? '☀' : '☾'}
            </Button>
            <Button
              variant="secondary"
              disabled={signOut.isPending}
              onClick={() => signOut.mutate(undefined, { onSettled: () => void navigate({ to: '/sign-in' }) })}
            >
              Sign out
            </Button>
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-6xl px-4 py-6">
        <Outlet />
      </main>
    </div>
  );
}

/** A page's heading and the short line under it. */
export function PageHeader({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <div className="mb-6">
      {/* A video's title is its prompt, which may hold a long unbroken token that would widen a phone's page. */}
      <h1 className="text-2xl font-semibold tracking-tight wrap-anywhere">{title}</h1>
      {children ? <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{children}</p> : null}
    </div>
  );
}
