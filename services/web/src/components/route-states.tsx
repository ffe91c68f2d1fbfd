// What a route shows when it fails or does not exist. TanStack Router catches a page's render and loader
// errors here, so one broken page never blanks the whole app.
import { Link, useRouter, type ErrorComponentProps } from '@tanstack/react-router';
import { ErrorState } from './page-states.tsx';

export function RouteErrorPage({ error, reset }: ErrorComponentProps) {
  const router = useRouter();
  return (
    <main className="mx-auto max-w-3xl p-6">
      <ErrorState
        title="This page could not be shown"
        error={error}
        onRetry={() => {
          reset();
          void router.invalidate();
        }}
      />
    </main>
  );
}

export function NotFoundPage() {
  return (
    <main className="mx-auto max-w-3xl p-6">
      <h1 className="text-xl font-semibold">Page not found</h1>
      <p className="mt-2 text-sm">
        <Link to="/create" className="text-emerald-700 underline dark:text-emerald-400">Go to Create</Link>
      </p>
    </main>
  );
}
