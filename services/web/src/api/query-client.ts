import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiError } from './api-error.ts';
import { endSessionOnUnauthorized } from './session.ts';

/** Client errors (4xx) are answers, not outages: retrying them only repeats the refusal. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status < 500) return false;
  return failureCount < 2;
}

export function createQueryClient(): QueryClient {
  // A revoked key, an expired session or a sign-out in another tab shows up as a 401 on whatever asks next.
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError: (error) => endSessionOnUnauthorized(queryClient, error) }),
    mutationCache: new MutationCache({ onError: (error) => endSessionOnUnauthorized(queryClient, error) }),
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 10_000, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
  return queryClient;
}
