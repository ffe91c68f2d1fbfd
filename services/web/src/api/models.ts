// The model catalogue (GET /v1/models): which models, sizes and durations a create may ask for, and their
// prices. It changes only with the server's configuration, so one fetch per visit is enough.
import { queryOptions } from '@tanstack/react-query';
import { api } from './http.ts';
import { queryKeys } from './query-keys.ts';
import type { ModelList, ModelObject } from './types.ts';

export const modelsQuery = queryOptions({
  queryKey: queryKeys.models,
  queryFn: ({ signal }) => api<ModelList>('/v1/models', { signal }),
  staleTime: 5 * 60_000,
});

/** The model a create without `model` gets, or the first one listed. */
export function defaultModelOf(models: ModelObject[]): ModelObject | undefined {
  return models.find((model) => model.default) ?? models[0];
}
