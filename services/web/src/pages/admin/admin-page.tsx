// The admin console: users with their budgets and limits, usage across users, the ledger check, stalled
// videos and a summary, plus the way to Bull Board. Anyone can type /admin; only admins get past the first
// check, so a user's visit makes no /admin request at all.
import { useRouteContext } from '@tanstack/react-router';
import { useState } from 'react';
import { PageHeader } from '../../components/app-shell.tsx';
import { Tabs, type Tab } from './admin-tabs.tsx';
import { LedgerSection } from './ledger-section.tsx';
import { StalledVideosSection } from './stalled-videos-section.tsx';
import { SummarySection } from './summary-section.tsx';
import { UsageSection } from './usage-section.tsx';
import { UsersSection } from './users-section.tsx';

type AdminTab = 'users' | 'usage' | 'ledger' | 'stalled';

const TABS: Tab<AdminTab>[] = [
  { id: 'users', label: 'Users', panel: () => <UsersSection /> },
  { id: 'usage', label: 'Usage', panel: () => <UsageSection /> },
  { id: 'ledger', label: 'Ledger check', panel: () => <LedgerSection /> },
  { id: 'stalled', label: 'Stalled videos', panel: () => <StalledVideosSection /> },
];

export function AdminPage() {
  const { session } = useRouteContext({ from: '/signed-in' });
  if (session.user.role !== 'admin') {
    return (
      <>
        <PageHeader title="Admin" />
        <div role="alert" className="rounded-xl border border-amber-300 bg-amber-50 p-4 text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
          <p className="font-medium">Admins only</p>
          <p className="mt-1 text-sm">This console is for Studio administrators. Ask one if you need a budget or a limit changed.</p>
        </div>
      </>
    );
  }
  return <AdminConsole />;
}

function AdminConsole() {
  const [tab, setTab] = useState<AdminTab>('users');
  return (
    <>
      <PageHeader title="Admin">Users, budgets, usage across users and the health of the pipeline.</PageHeader>
      <div className="mb-6 space-y-3">
        <SummarySection />
        {/* A full page load, not a router link: Bull Board is the API's own page, behind the same session cookie. */}
        <a href="/admin/queues" className="inline-block text-sm font-medium text-emerald-800 underline underline-offset-2 dark:text-emerald-300">
          Bull Board
        </a>
      </div>
      <Tabs label="Admin sections" tabs={TABS} selected={tab} onSelect={setTab} />
    </>
  );
}
