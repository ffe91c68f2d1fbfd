// The live quote: the form, once the typing pauses, priced by POST /v1/videos/quote. Keyed by the request,
// so going back to an earlier choice answers from the cache, and the last quote stays up while the next loads.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../api/http.ts';
import { queryKeys } from '../../api/query-keys.ts';
import type { VideoQuote } from '../../api/types.ts';
import { useDebouncedValue } from '../../components/use-debounced-value.ts';
import { requestIdentity, videoRequestBody, type CreateForm } from './video-request.ts';

export const QUOTE_DEBOUNCE_MS = 300;

/** Whether the form is complete enough for the API to price (it refuses an empty prompt). */
export function isQuotable(form: CreateForm): boolean {
  return form.prompt.trim() !== '' && form.model !== '' && form.size !== '' && form.seconds !== '';
}

export function useVideoQuote(form: CreateForm) {
  const settled = useDebouncedValue(form, QUOTE_DEBOUNCE_MS);
  const query = useQuery({
    queryKey: queryKeys.videoQuote(requestIdentity(settled)),
    queryFn: ({ signal }) => api<VideoQuote>('/v1/videos/quote', { method: 'POST', body: videoRequestBody(settled), signal }),
    enabled: isQuotable(settled),
    placeholderData: keepPreviousData,
    staleTime: 5_000,
  });
  // A quote of an older form must not stand for the current one once the typing has paused.
  const current = settled === form;
  return { ...query, isSettling: !current || query.isFetching };
}
