// Renders the whole Studio (router, shell, pages) at a path, as a signed-in user or signed out, against a fake
// `fetch` the test scripts. Browser APIs are faked here; the API itself is exercised by the e2e tests.
import { QueryClientProvider } from '@tanstack/react-query';
import { createMemoryHistory, RouterProvider } from '@tanstack/react-router';
import { render, type RenderResult } from '@testing-library/react';
import { vi } from 'vitest';
import { setCsrfToken } from '../../src/api/http.ts';
import { createQueryClient } from '../../src/api/query-client.ts';
import { queryKeys } from '../../src/api/query-keys.ts';
import type { SessionObject } from '../../src/api/types.ts';
import { createAppRouter } from '../../src/router.tsx';

export function sessionOf(role: 'user' | 'admin' = 'user', name = 'Ada'): SessionObject {
  return {
    object: 'session',
    user: { id: 'user_test', name, role },
    credential: { kind: 'api_key', key_prefix: 'sk-test' },
    created_at: 1_780_000_000,
    expires_at: 1_780_086_400,
    csrf_token: 'csrf-test-token',
  };
}

export interface FakeRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: unknown;
}

type Handler = (request: FakeRequest) => { status?: number; body?: unknown; headers?: Record<string, string> } | undefined;

/** A fake fetch: each call is recorded, then answered by the first route whose method and path match. */
export function fakeApi(routes: Record<string, Handler | object>) {
  const calls: FakeRequest[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://studio.test');
    const method = init?.method ?? 'GET';
    let body: unknown = init?.body;
    if (typeof body === 'string') body = JSON.parse(body);
    const request = { method, url, headers: new Headers(init?.headers), body };
    calls.push(request);
    const route = routes[`${method} ${url.pathname}`];
    const answer = typeof route === 'function' ? (route as Handler)(request) : route === undefined ? undefined : { body: route };
    if (!answer) {
      return new Response(JSON.stringify({ error: { message: `no fake for ${method} ${url.pathname}`, type: 'invalid_request_error', param: null, code: 'not_found' } }), { status: 404 });
    }
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status ?? 200, headers: { 'content-type': 'application/json', ...answer.headers } });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetch: fetchMock };
}

export async function renderApp(path: string, options: { session?: SessionObject | null } = {}): Promise<RenderResult & { router: ReturnType<typeof createAppRouter> }> {
  const queryClient = createQueryClient();
  const session = options.session === undefined ? sessionOf() : options.session;
  // What sessionQuery does with a real answer: the cached session and its CSRF token in memory.
  queryClient.setQueryData(queryKeys.session, session);
  setCsrfToken(session?.csrf_token ?? null);
  const router = createAppRouter(queryClient, createMemoryHistory({ initialEntries: [path] }));
  await router.load();
  const result = render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { ...result, router };
}
