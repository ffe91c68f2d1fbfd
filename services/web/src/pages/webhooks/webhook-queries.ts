// Every server call of the webhooks page, with its cache key under queryKeys.webhooks.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/http.ts';
import { queryKeys } from '../../api/query-keys.ts';
import type {
  CreateWebhookEndpointBody, VideoList, WebhookDeliveryAttemptObject, WebhookDeliveryObject, WebhookEndpointObject, WebhookEndpointTestResult,
  WebhookEndpointWithSecret,
} from '../../api/types.ts';

/** The event types come from GET /v1/webhook_event_types as strings; the API checks them. */
type CreateEndpointBody = Omit<CreateWebhookEndpointBody, 'event_types'> & { event_types: string[] };

/** A cursor page of the API, of any object. */
type PageOf<T> = Omit<VideoList, 'data'> & { data: T[] };

export const webhookKeys = {
  endpoints: [...queryKeys.webhooks, 'endpoints'] as const,
  eventTypes: [...queryKeys.webhooks, 'event-types'] as const,
  deliveries: (endpointId: string) => [...queryKeys.webhooks, 'deliveries', endpointId] as const,
};

const endpointPath = (endpointId: string) => `/v1/webhook_endpoints/${encodeURIComponent(endpointId)}`;

export function useWebhookEndpoints() {
  return useQuery({
    queryKey: webhookKeys.endpoints,
    queryFn: ({ signal }) => api<PageOf<WebhookEndpointObject>>('/v1/webhook_endpoints', { query: { limit: 100 }, signal }),
  });
}

export function useWebhookEventTypes() {
  return useQuery({
    queryKey: webhookKeys.eventTypes,
    queryFn: ({ signal }) => api<{ object: 'list'; data: string[] }>('/v1/webhook_event_types', { signal }),
    staleTime: Infinity,
  });
}

export function useCreateWebhookEndpoint() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: { body: CreateEndpointBody; idempotencyKey: string }) =>
      api<WebhookEndpointWithSecret>('/v1/webhook_endpoints', { method: 'POST', body, idempotencyKey }),
    // Refetched, not patched with the answer, so the signing secret never sits in the cache.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.endpoints }),
  });
}

export function useUpdateWebhookEndpoint(endpointId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Partial<CreateEndpointBody>) => api<WebhookEndpointObject>(endpointPath(endpointId), { method: 'POST', body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.endpoints }),
  });
}

export function useDeleteWebhookEndpoint() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (endpointId: string) => api<{ id: string; deleted: true }>(endpointPath(endpointId), { method: 'DELETE' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.endpoints }),
  });
}

export function useRotateWebhookSecret() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ endpointId, keepOld }: { endpointId: string; keepOld: boolean }) =>
      api<WebhookEndpointWithSecret>(`${endpointPath(endpointId)}/rotate_secret`, { method: 'POST', body: { keep_old_secret_active_for_24_hours: keepOld } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.endpoints }),
  });
}

export function useSendTestEvent(endpointId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (eventType: string) => api<WebhookEndpointTestResult>(`${endpointPath(endpointId)}/test`, { method: 'POST', body: { event_type: eventType } }),
    // A test is a delivery too: it shows up in the log, whatever the receiver answered.
    onSettled: () => queryClient.invalidateQueries({ queryKey: webhookKeys.deliveries(endpointId) }),
  });
}

export function useWebhookDeliveries(endpointId: string) {
  return useInfiniteQuery({
    queryKey: webhookKeys.deliveries(endpointId),
    queryFn: ({ pageParam, signal }) =>
      api<PageOf<WebhookDeliveryAttemptObject>>(`${endpointPath(endpointId)}/deliveries`, { query: { limit: 50, after: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => (page.has_more && page.last_id ? page.last_id : undefined),
  });
}

export function useRedeliver(endpointId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (deliveryId: string) =>
      api<WebhookDeliveryObject>(`${endpointPath(endpointId)}/deliveries/${encodeURIComponent(deliveryId)}/redeliver`, { method: 'POST' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.deliveries(endpointId) }),
  });
}
