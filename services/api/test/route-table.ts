// The routes the app registers, read from Fastify's own onRoute hook on a twin of the harness's app, so a
// test that must cover every route notices a new one.
import { twinApp, type ApiHarness } from './api-harness.ts';

/** `METHOD /url` with Fastify's parameter syntax, e.g. `GET /v1/videos/:video_id`. HEAD routes mirror GET and are left out. */
export async function registeredRoutes(api: ApiHarness, prefix: string): Promise<string[]> {
  const app = twinApp(api);
  const routes = new Set<string>();
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD' && route.url.startsWith(prefix)) routes.add(`${method} ${route.url}`);
    }
  });
  await app.ready();
  await app.close();
  return [...routes].sort();
}

/** /v1 routes that a caller does not reach with an API key: the provider's webhook, authenticated by its signature. */
export const SIGNATURE_AUTHENTICATED_ROUTES: ReadonlySet<string> = new Set(['POST /v1/provider/webhooks']);

/** /v1 routes that need no credentials at all: what a sign-in page asks before anyone is signed in. Same answer for everyone. */
export const CREDENTIAL_FREE_ROUTES: ReadonlySet<string> = new Set(['GET /v1/session/methods']);

/** A route's method and a concrete path: each `:param` becomes the given value (or `x`), a wildcard nothing. */
export function concreteRoute(route: string, params: Record<string, string> = {}): { method: string; path: string } {
  const [method, url] = route.split(' ') as [string, string];
  const path = url.replace(/:(\w+)/g, (_match, name: string) => params[name] ?? 'x').replace(/\*$/, '');
  return { method, path };
}
