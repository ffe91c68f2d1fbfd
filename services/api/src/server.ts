// The API process: configuration from the environment, dependencies, listen, and a graceful stop on
// SIGTERM/SIGINT (stop accepting, finish requests in flight, then close queues, Redis and Postgres).
import {
  createDb, createLogger, createProducerRedis, createStorage, createVideoQueues, loadConfig, logRedisOutages, onShutdownSignals,
} from '@sora-studio/shared';
import { buildApp } from './app.ts';

/**
 * A client is waiting on every query, so the API waits less than the workers do: a Postgres that is down
 * or saturated becomes a 503 with Retry-After within about two seconds, not a request that hangs.
 */
const API_DB_TIMEOUTS = { connectTimeoutMs: 2_000, statementTimeoutMs: 15_000 };

const config = loadConfig();
const logger = createLogger('api', config.LOG_LEVEL);
const db = createDb(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE, ...API_DB_TIMEOUTS });
// Fails fast while Redis is down: a create still commits (the reconciler enqueues it later), the rate
// limit lets requests through, and /ready says not ready.
const redis = createProducerRedis(config.REDIS_URL);
const queues = createVideoQueues(redis, config.REDIS_PREFIX);
const storage = createStorage(config);
logRedisOutages(redis, logger);
for (const queue of [queues.pipeline, queues.maintenance]) {
  queue.on('error', (error) => logger.warn({ err: error, queue: queue.name }, 'queue error'));
}
const app = buildApp({ config, db, redis, queues, storage, logger });

onShutdownSignals(logger, async () => {
  // Answers new requests 503 and waits for those in flight, even a gone client's (http/request-drain.ts).
  await app.close();
  await storage.close?.();
  await queues.close();
  await redis.quit();
  await db.destroy();
});

try {
  await app.listen({ host: config.API_HOST, port: config.API_PORT });
} catch (error) {
  logger.error({ err: error }, 'could not start the API');
  process.exit(1);
}
