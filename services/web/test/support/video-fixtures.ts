// Video, model and quote objects as the API answers them, for component tests; override what a test is about.
import type { ModelList, VideoList, VideoObject, VideoQuote } from '../../src/api/types.ts';

let sequence = 0;

/** A video id of the API's shape (`video_` and hex digits), unique within the run. */
export function videoId(): string {
  sequence += 1;
  return `video_${sequence.toString(16).padStart(32, '0')}`;
}

export function videoOf(overrides: Partial<VideoObject> = {}): VideoObject {
  return {
    id: videoId(),
    object: 'video',
    model: 'sora-2',
    status: 'queued',
    progress: 0,
    created_at: 1_780_000_000,
    completed_at: null,
    expires_at: null,
    prompt: 'A heron standing in a misty lake at dawn',
    size: '720x1280',
    seconds: '4',
    remixed_from_video_id: null,
    error: null,
    cost: { estimated_micros: 400_000, actual_micros: null, currency: 'usd' },
    metadata: {},
    cancel_requested_at: null,
    ...overrides,
  };
}

export function videoListOf(data: VideoObject[], hasMore = false): VideoList {
  return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: hasMore };
}

export const MODELS: ModelList = {
  object: 'list',
  data: [
    {
      id: 'sora-2', object: 'model', created: 1_760_000_000, owned_by: 'openai', default: true,
      sizes: [{ size: '720x1280', price_per_second_micros: 100_000 }, { size: '1280x720', price_per_second_micros: 100_000 }],
      seconds: ['4', '8', '12'], default_size: '720x1280', default_seconds: '4',
    },
    {
      id: 'sora-2-pro', object: 'model', created: 1_760_000_000, owned_by: 'openai', default: false,
      sizes: [
        { size: '720x1280', price_per_second_micros: 300_000 }, { size: '1280x720', price_per_second_micros: 300_000 },
        { size: '1024x1792', price_per_second_micros: 500_000 }, { size: '1792x1024', price_per_second_micros: 500_000 },
      ],
      seconds: ['4', '8', '12'], default_size: '720x1280', default_seconds: '4',
    },
  ],
};

/** The quote of a body against the MODELS prices, with one monthly budget of `limitMicros`, `spentMicros` spent. */
export function quoteOf(body: { model: string; size: string; seconds: string }, budget?: { limitMicros: number; spentMicros: number }): VideoQuote {
  const model = MODELS.data.find((candidate) => candidate.id === body.model);
  const price = model?.sizes.find((option) => option.size === body.size)?.price_per_second_micros ?? 0;
  const cost = price * Number(body.seconds);
  const budgets = budget ? [{
    id: 'budget_1', object: 'budget' as const, user_id: 'user_test', period: 'month' as const, model: null,
    limit_micros: budget.limitMicros, spent_micros: budget.spentMicros, reserved_micros: 0,
    remaining_micros: Math.max(0, budget.limitMicros - budget.spentMicros), currency: 'usd' as const,
    period_start: 1_779_000_000, period_end: 1_781_000_000,
    remaining_after_micros: budget.limitMicros - budget.spentMicros - cost,
  }] : [];
  return {
    object: 'video.quote', model: body.model, size: body.size, seconds: body.seconds, estimated_cost_micros: cost, currency: 'usd',
    allowed: budgets.every((entry) => entry.remaining_after_micros >= 0), budgets,
  };
}
