// Time in the API is unix seconds, as in OpenAI's. What a client sends is bounded to what a JS Date and
// Postgres hold with room to spare (a month's end must still be a date): the last second of year 9999.
import { z } from 'zod';

export const MAX_UNIX_SECONDS = 253_402_300_799;

/** An instant in a query string: digits only, so `created_after=` or a blank is a 400 rather than 0. */
export const UnixSecondsQuerySchema = z.string()
  .regex(/^\d{1,15}$/, 'must be a time in unix seconds (a whole number)')
  .transform(Number)
  .pipe(z.number().max(MAX_UNIX_SECONDS, `must be at most ${MAX_UNIX_SECONDS} (9999-12-31T23:59:59Z)`));
