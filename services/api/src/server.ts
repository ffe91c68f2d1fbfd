// The API process: configuration from the environment, dependencies, listen, and a graceful stop on
// SIGTERM/SIGINT (stop accepting, finish requests in flight, then close queues, Redis and Postgres).
import {
  createDb, createLogger, createRedis, createStorage, createVideoQueues, loadConfig, onShutdownSignals,
} from '@sora-studio/shared';
import { buildApp } from './app.ts';

const config = loadConfig();
const logger = createLogger('api', config.LOG_LEVEL);
const db = createDb(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE });
const redis = createRedis(config.REDIS_URL);
const queues = createVideoQueues(redis, config.REDIS_PREFIX);
const storage = createStorage(config, `http://${config.API_HOST}:${config.API_PORT}/storage`);
// A Redis outage is survivable (creates still commit; the reconciler enqueues later), so it is logged, not fatal.
redis.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
for (const queue of [queues.pipeline, queues.maintenance]) {
  queue.on('error', (error) => logger.warn({ err: error, queue: queue.name }, 'queue error'));
}
const app = buildApp({ config, db, redis, queues, storage, logger });

onShutdownSignals(logger, async () => {
  await app.close();
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
