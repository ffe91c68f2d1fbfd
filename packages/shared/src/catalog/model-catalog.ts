// The model catalogue: which models the provider serves, with their sizes, durations and prices.
// Prices are integer micro-dollars per generated second, per size; they drive estimates and settlement.
import { z } from 'zod';

export const VideoSizeSchema = z.string().regex(/^\d{2,5}x\d{2,5}$/, 'a size is WIDTHxHEIGHT, e.g. 720x1280');

export const ModelSpecSchema = z.object({
  /** Price per generated second in micro-dollars, keyed by size; the keys are the allowed sizes. */
  pricePerSecondMicros: z.record(VideoSizeSchema, z.number().int().nonnegative()),
  /** Allowed durations in whole seconds, as the API spells them ("4", "8", "12"). */
  seconds: z.array(z.string().regex(/^[1-9]\d*$/)).min(1),
  defaultSize: VideoSizeSchema,
  defaultSeconds: z.string(),
}).refine((m) => Object.hasOwn(m.pricePerSecondMicros, m.defaultSize), { message: 'defaultSize must be one of the priced sizes' })
  .refine((m) => m.seconds.includes(m.defaultSeconds), { message: 'defaultSeconds must be one of the allowed seconds' });

export const ModelCatalogSchema = z.object({
  defaultModel: z.string(),
  models: z.record(z.string(), ModelSpecSchema),
}).refine((c) => Object.hasOwn(c.models, c.defaultModel), { message: 'defaultModel must be in models' });

export type ModelSpec = z.infer<typeof ModelSpecSchema>;
export type ModelCatalog = z.infer<typeof ModelCatalogSchema>;

// Model and size names come from clients, and the catalogue is a plain object: `constructor` or `__proto__`
// must not find Object.prototype's members, so every lookup goes through these two, by own property only.

/** Whether the catalogue serves this model. */
export function hasModel(catalog: ModelCatalog, model: string): boolean {
  return Object.hasOwn(catalog.models, model);
}

/** The model's price per second for this size, or undefined when the model does not offer the size. */
export function pricePerSecondOf(spec: ModelSpec, size: string): number | undefined {
  return Object.hasOwn(spec.pricePerSecondMicros, size) ? spec.pricePerSecondMicros[size] : undefined;
}

const PORTRAIT = '720x1280';
const LANDSCAPE = '1280x720';

/** OpenAI's published Sora 2 prices: $0.10/s for sora-2; $0.30/s (720p) and $0.50/s (1024p) for sora-2-pro. */
export const DEFAULT_MODEL_CATALOG: ModelCatalog = {
  defaultModel: 'sora-2',
  models: {
    'sora-2': {
      pricePerSecondMicros: { [PORTRAIT]: 100_000, [LANDSCAPE]: 100_000 },
      seconds: ['4', '8', '12'],
      defaultSize: PORTRAIT,
      defaultSeconds: '4',
    },
    'sora-2-pro': {
      pricePerSecondMicros: { [PORTRAIT]: 300_000, [LANDSCAPE]: 300_000, '1024x1792': 500_000, '1792x1024': 500_000 },
      seconds: ['4', '8', '12'],
      defaultSize: PORTRAIT,
      defaultSeconds: '4',
    },
  },
};
