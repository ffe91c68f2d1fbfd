// Who is signed in. The session is a cookie the browser cannot read; this asks the API, keeps the CSRF token
// from the answer in memory, and signs in and out.
import { queryOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { ApiError } from './api-error.ts';
import { api, setCsrfToken } from './http.ts';
import type { SessionObject } from './types.ts';

export const sessionQuery = queryOptions({
  queryKey: ['session'],
  queryFn: async (): Promise<SessionObject | null> => {
    try {
      const session = await api<SessionObject>('/v1/session');
      setCsrfToken(session.csrf_token);
      return session;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        setCsrfToken(null);
        return null;
      }
      throw error;
    }
  },
  staleTime: Infinity,
});

/** Why the session ended under the user (revoked key, expiry, sign-out elsewhere); never set by their own sign-out. */
export const sessionEndedQuery = queryOptions({
  queryKey: ['session-ended'],
  queryFn: (): string | null => null,
  enabled: false,
  staleTime: Infinity,
});

/** Codes of the 401s that say the session itself is over, whose message is worth showing as the reason. */
const SESSION_END_CODES = new Set(['invalid_session', 'session_revoked', 'session_expired', 'user_disabled', 'invalid_api_key']);

/** Forgets a session the server no longer honours and says why; the shell then sends the user to sign-in. */
function markSessionEnded(queryClient: QueryClient, reason?: unknown): void {
  if (!queryClient.getQueryData(sessionQuery.queryKey)) return;
  const message = reason instanceof ApiError && reason.code !== null && SESSION_END_CODES.has(reason.code)
    ? reason.message
    : 'Your session has ended: it was signed out elsewhere, it expired, or its API key was revoked. Sign in again.';
  setCsrfToken(null);
  queryClient.setQueryData(sessionEndedQuery.queryKey, message);
  queryClient.setQueryData(sessionQuery.queryKey, null);
}

/** For the query and mutation caches: any 401 while signed in means the session is gone. */
export function endSessionOnUnauthorized(queryClient: QueryClient, error: unknown): void {
  if (error instanceof ApiError && error.status === 401) markSessionEnded(queryClient, error);
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (apiKey: string) => api<SessionObject>('/v1/sessions', { method: 'POST', body: { api_key: apiKey } }),
    onSuccess: (session) => {
      setCsrfToken(session.csrf_token);
      queryClient.clear();
      queryClient.setQueryData(sessionQuery.queryKey, session);
    },
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api<unknown>('/v1/session', { method: 'DELETE' }),
    onSettled: () => {
      setCsrfToken(null);
      queryClient.clear();
      queryClient.setQueryData(sessionQuery.queryKey, null);
    },
  });
}
