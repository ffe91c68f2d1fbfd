// Liveness (`/health`: the process answers) and readiness (`/ready`: Postgres and Redis answer too).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import type { Redis } from 'ioredis';
import { HealthSchema, ReadinessSchema, type Db, type Readiness } from '@sora-studio/shared';
import { withDeadline } from '../deadline.ts';
import { RETRY_AFTER_SECONDS } from '../errors/infrastructure-errors.ts';

const CHECK_TIMEOUT_MS = 2_000;

/** Polled every few seconds by orchestrators; their access lines would drown the rest. */
export const PROBE_PATHS: ReadonlySet<string> = new Set(['/health', '/ready']);

async function passes(check: () => Promise<unknown>, what: string): Promise<'ok' | 'failed'> {
  try {
    await withDeadline(check(), CHECK_TIMEOUT_MS, what);
    return 'ok';
  } catch {
    return 'failed';
  }
}

export const healthRoutes: FastifyPluginAsyncZod<{ db: Db; redis: Redis }> = async (app, { db, redis }) => {
  app.get('/health', {
    schema: { tags: ['health'], summary: 'The process is alive', response: { 200: HealthSchema } },
  }, async () => ({ status: 'ok' as const }));

  app.get('/ready', {
    schema: {
      tags: ['health'],
      summary: 'Postgres and Redis answer; 503 names the one that does not',
      response: { 200: ReadinessSchema, 503: ReadinessSchema },
    },
  }, async (request, reply) => {
    const [postgres, redisCheck] = await Promise.all([
      passes(() => sql`select 1`.execute(db), 'postgres'),
      passes(() => redis.ping(), 'redis'),
    ]);
    const checks: Readiness['checks'] = { postgres, redis: redisCheck };
    const ready = postgres === 'ok' && redisCheck === 'ok';
    if (!ready) {
      request.log.warn({ checks }, 'not ready');
      reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    }
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks });
  });
};
