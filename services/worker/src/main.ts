// The worker process: `node services/worker/src/main.ts`. Wires config to the workers and stops gracefully
// on SIGTERM/SIGINT: jobs in hand finish, then queues, Redis and Postgres close, and the process exits 0.
import { createDb, createLogger, createRedis, createStorage, loadConfig, logRedisOutages, onShutdownSignals } from '@sora-studio/shared';
import { createOpenAiProvider } from './provider/openai-provider.client.ts';
import { startWorkers } from './start-workers.ts';

const config = loadConfig();
const logger = createLogger('worker', config.LOG_LEVEL);
const db = createDb(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE });
const redis = createRedis(config.REDIS_URL);
logRedisOutages(redis, logger);
const storage = createStorage(config);
const provider = createOpenAiProvider({ baseUrl: config.PROVIDER_BASE_URL, apiKey: config.PROVIDER_API_KEY, timeoutMs: config.PROVIDER_TIMEOUT_MS });

try {
  const workers = await startWorkers({ config, db, redis, storage, provider, logger });
  logger.info({ concurrency: config.WORKER_CONCURRENCY, provider: config.PROVIDER_BASE_URL }, 'worker started');

  onShutdownSignals(logger, async () => {
    await workers.close();
    await storage.close?.();
    await redis.quit();
    await db.destroy();
  });
} catch (error) {
  logger.fatal({ err: error }, 'worker failed to start');
  process.exit(1);
}
