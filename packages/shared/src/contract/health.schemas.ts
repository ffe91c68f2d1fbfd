import { z } from 'zod';

/** Liveness: the process answers. */
export const HealthSchema = z.object({ status: z.literal('ok') });

const CheckResultSchema = z.enum(['ok', 'failed']);

/** Readiness: every dependency a request needs answered; `checks` names the one that did not. */
export const ReadinessSchema = z.object({
  status: z.enum(['ready', 'unavailable']),
  checks: z.object({ postgres: CheckResultSchema, redis: CheckResultSchema }),
});
export type Readiness = z.infer<typeof ReadinessSchema>;
