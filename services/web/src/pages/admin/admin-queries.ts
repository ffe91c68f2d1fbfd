// Every server call of the admin console, with its cache key under queryKeys.admin.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/http.ts';
import { queryKeys } from '../../api/query-keys.ts';
import type {
  AdminSummary, AdminUsage, AdminVideoObject, BudgetChange, BudgetObject, CreateUserBody, LedgerCheckObject, ResolveVideoBody,
  UpdateUserBody, UserObject, VideoList,
} from '../../api/types.ts';

export type BudgetPeriod = BudgetObject['period'];

/** A cursor page of the API, of any object. */
type PageOf<T> = Omit<VideoList, 'data'> & { data: T[] };
interface ListOf<T> {
  object: 'list';
  data: T[];
}

export const adminKeys = {
  users: [...queryKeys.admin, 'users'] as const,
  budgets: (userId: string) => [...queryKeys.admin, 'budgets', userId] as const,
  usage: (period: BudgetPeriod) => [...queryKeys.admin, 'usage', period] as const,
  ledger: [...queryKeys.admin, 'ledger'] as const,
  stalled: [...queryKeys.admin, 'videos', 'stalled'] as const,
  summary: [...queryKeys.admin, 'summary'] as const,
};

const USERS_PER_PAGE = 100;

export function useAdminUsers() {
  return useInfiniteQuery({
    queryKey: adminKeys.users,
    queryFn: ({ pageParam, signal }) => api<PageOf<UserObject>>('/admin/users', { query: { limit: USERS_PER_PAGE, after: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => (page.has_more && page.last_id ? page.last_id : undefined),
  });
}

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateUserBody) => api<UserObject>('/admin/users', { method: 'POST', body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.users }),
  });
}

export function useUpdateUser(userId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateUserBody) => api<UserObject>(`/admin/users/${encodeURIComponent(userId)}`, { method: 'PATCH', body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.users }),
  });
}

export function useUserBudgets(userId: string) {
  return useQuery({
    queryKey: adminKeys.budgets(userId),
    queryFn: ({ signal }) => api<ListOf<BudgetObject>>(`/admin/users/${encodeURIComponent(userId)}/budgets`, { signal }),
  });
}

export function useUpdateBudgets(userId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (budgets: BudgetChange[]) => api<ListOf<BudgetObject>>(`/admin/users/${encodeURIComponent(userId)}/budgets`, { method: 'PATCH', body: { budgets } }),
    onSuccess: (list) => queryClient.setQueryData(adminKeys.budgets(userId), list),
  });
}

export function useAdminUsage(period: BudgetPeriod) {
  return useQuery({ queryKey: adminKeys.usage(period), queryFn: ({ signal }) => api<AdminUsage>('/admin/usage', { query: { period }, signal }) });
}

/** Run on demand: the check reads every video's ledger, which an admin asks for, not every page view. */
export function useLedgerCheck() {
  return useQuery({ queryKey: adminKeys.ledger, queryFn: ({ signal }) => api<LedgerCheckObject>('/admin/ledger/check', { signal }), enabled: false, staleTime: 0 });
}

export function useStalledVideos() {
  return useQuery({
    queryKey: adminKeys.stalled,
    queryFn: ({ signal }) => api<PageOf<AdminVideoObject>>('/admin/videos', { query: { stalled: 'true', limit: 100 }, signal }),
  });
}

export function useResolveVideo() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ videoId, body }: { videoId: string; body: ResolveVideoBody }) =>
      api<AdminVideoObject>(`/admin/videos/${encodeURIComponent(videoId)}/resolve`, { method: 'POST', body }),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: adminKeys.stalled }),
        queryClient.invalidateQueries({ queryKey: adminKeys.summary }),
      ]);
    },
  });
}

export function useAdminSummary() {
  return useQuery({ queryKey: adminKeys.summary, queryFn: ({ signal }) => api<AdminSummary>('/admin/summary', { signal }) });
}
