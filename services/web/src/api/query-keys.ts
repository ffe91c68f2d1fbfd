// Every cache key in one place, so the live event stream and the pages agree on what to update.
export const queryKeys = {
  session: ['session'] as const,
  videos: ['videos'] as const,
  videoLists: ['videos', 'list'] as const,
  videoList: (filters: object) => ['videos', 'list', filters] as const,
  videoDetails: ['videos', 'detail'] as const,
  video: (id: string) => ['videos', 'detail', id] as const,
  videoEvents: (id: string) => ['videos', 'events', id] as const,
  videoQuotes: ['videos', 'quote'] as const,
  videoQuote: (request: object) => ['videos', 'quote', request] as const,
  usage: ['usage'] as const,
  models: ['models'] as const,
  apiKeys: ['api-keys'] as const,
  webhooks: ['webhooks'] as const,
  admin: ['admin'] as const,
};
