// GET /v1/usage for the chosen period, under the usage key the live stream invalidates when a video ends.
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { api } from '../../api/http.ts';
import { queryKeys } from '../../api/query-keys.ts';
import type { UsageObject } from '../../api/types.ts';
import { startOf, type UsagePeriod } from './usage-period.ts';

export function usageQuery(selected: UsagePeriod) {
  const start = startOf(selected);
  return queryOptions({
    queryKey: [...queryKeys.usage, { period: selected.period, start: start ?? 'now' }] as const,
    queryFn: ({ signal }) => api<UsageObject>('/v1/usage', { query: { period: selected.period, start }, signal }),
    // Switching periods keeps the old figures on screen until the new ones arrive, instead of a spinner.
    placeholderData: keepPreviousData,
  });
}
