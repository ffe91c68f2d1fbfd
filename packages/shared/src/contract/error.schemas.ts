import { z } from 'zod';

/** OpenAI's error envelope; every non-2xx answer of the API has this body. */
export const ErrorBodySchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string().nullable(),
  }),
});
