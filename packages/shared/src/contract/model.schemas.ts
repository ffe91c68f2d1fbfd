// GET /v1/models: OpenAI's model list, each model with Sora Studio's own fields from the catalogue (the
// sizes it renders at their price per second, and the durations it accepts), so a client can build a form
// and show a price without a second call. OpenAI clients read `id`, `object`, `created` and `owned_by` only.
import { z } from 'zod';

export const ModelObjectSchema = z.object({
  id: z.string(),
  object: z.literal('model'),
  created: z.number().int().nonnegative(),
  owned_by: z.string(),
  /** Whether a create without `model` gets this one. */
  default: z.boolean(),
  sizes: z.array(z.object({ size: z.string(), price_per_second_micros: z.number().int().nonnegative() })),
  seconds: z.array(z.string()),
  default_size: z.string(),
  default_seconds: z.string(),
});
export type ModelObject = z.infer<typeof ModelObjectSchema>;

export const ModelListSchema = z.object({ object: z.literal('list'), data: z.array(ModelObjectSchema) });
export type ModelList = z.infer<typeof ModelListSchema>;

/** GET /v1/models/{model}: a model's id as the catalogue names it (any text; an unknown one is a 404). */
export const ModelParamsSchema = z.object({ model: z.string().min(1, 'model must not be empty').max(200) });
