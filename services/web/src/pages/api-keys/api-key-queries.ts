// The signed-in user's API keys: the list, creating one (the answer holds the key, once) and revoking one.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/http.ts';
import { queryKeys } from '../../api/query-keys.ts';
import type { ApiKeyCreated, ApiKeyObject } from '../../api/types.ts';

interface ApiKeyList {
  object: 'list';
  data: ApiKeyObject[];
}

export function useApiKeys() {
  return useQuery({ queryKey: queryKeys.apiKeys, queryFn: ({ signal }) => api<ApiKeyList>('/v1/api_keys', { signal }) });
}

export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api<ApiKeyCreated>('/v1/api_keys', { method: 'POST', body: name ? { name } : {} }),
    // The list is refetched rather than patched with the answer, so the secret never sits in the cache.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys }),
  });
}

export function useRevokeApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (keyId: string) => api<{ id: string; revoked: boolean }>(`/v1/api_keys/${encodeURIComponent(keyId)}`, { method: 'DELETE' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys }),
  });
}
