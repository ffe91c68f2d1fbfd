// The Studio's pages. Code-based routes keep the table in one file; every page but sign-in is its own chunk,
// loaded on first visit, so the initial JavaScript stays small. Signed-out visitors land on /sign-in.
import type { QueryClient } from '@tanstack/react-query';
import { createRootRouteWithContext, createRoute, createRouter, lazyRouteComponent, Outlet, redirect, type RouterHistory } from '@tanstack/react-router';
import { sessionQuery } from './api/session.ts';
import { AppShell } from './components/app-shell.tsx';
import { NotFoundPage, RouteErrorPage } from './components/route-states.tsx';
import { parseGallerySearch } from './pages/gallery/gallery-search.ts';
import { SignInPage } from './pages/sign-in/sign-in-page.tsx';

export interface RouterContext {
  queryClient: QueryClient;
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  notFoundComponent: NotFoundPage,
  errorComponent: RouteErrorPage,
});

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  validateSearch: (search: Record<string, unknown>): { sign_in_error?: string } =>
    typeof search.sign_in_error === 'string' ? { sign_in_error: search.sign_in_error } : {},
  beforeLoad: async ({ context }) => {
    if (await context.queryClient.fetchQuery(sessionQuery)) throw redirect({ to: '/create' });
  },
  component: SignInPage,
});

/** Everything behind sign-in: the navigation shell, with the session in the route context. */
const signedInRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'signed-in',
  beforeLoad: async ({ context, location }) => {
    const session = await context.queryClient.fetchQuery(sessionQuery);
    if (!session) {
      const error = new URLSearchParams(location.searchStr).get('sign_in_error');
      throw redirect({ to: '/sign-in', search: error ? { sign_in_error: error } : {} });
    }
    return { session };
  },
  component: AppShell,
  errorComponent: RouteErrorPage,
});

const indexRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/',
  beforeLoad: () => {
    throw redirect({ to: '/create' });
  },
});

function page<const Path extends string>(path: Path, load: Parameters<typeof lazyRouteComponent>[0], name: string) {
  return createRoute({ getParentRoute: () => signedInRoute, path, component: lazyRouteComponent(load, name), errorComponent: RouteErrorPage });
}

const createPageRoute = page('/create', () => import('./pages/create/create-page.tsx'), 'CreatePage');
export const galleryRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/gallery',
  validateSearch: parseGallerySearch,
  component: lazyRouteComponent(() => import('./pages/gallery/gallery-page.tsx'), 'GalleryPage'),
  errorComponent: RouteErrorPage,
});
export const videoRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/videos/$videoId',
  component: lazyRouteComponent(() => import('./pages/video/video-page.tsx'), 'VideoPage'),
  errorComponent: RouteErrorPage,
});
const usageRoute = page('/usage', () => import('./pages/usage/usage-page.tsx'), 'UsagePage');
const webhooksRoute = page('/webhooks', () => import('./pages/webhooks/webhooks-page.tsx'), 'WebhooksPage');
const apiKeysRoute = page('/api-keys', () => import('./pages/api-keys/api-keys-page.tsx'), 'ApiKeysPage');
const adminRoute = page('/admin', () => import('./pages/admin/admin-page.tsx'), 'AdminPage');

const routeTree = rootRoute.addChildren([
  signInRoute,
  signedInRoute.addChildren([indexRoute, createPageRoute, galleryRoute, videoRoute, usageRoute, webhooksRoute, apiKeysRoute, adminRoute]),
]);

/** The browser's history by default; tests pass a memory history. */
export function createAppRouter(queryClient: QueryClient, history?: RouterHistory) {
  return createRouter({ routeTree, context: { queryClient }, history, defaultPreload: 'intent', scrollRestoration: true });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
