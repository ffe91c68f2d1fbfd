// The two kinds of Redis connection. Workers wait out an outage; the API, which has a client waiting on
// every request, fails fast instead (BullMQ's "going to production" and "failing fast when Redis is down").
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Reconnects for ever: quickly at first, then every 2 s, so a worker is back within seconds of Redis. */
export function redisReconnectDelayMs(attempt: number): number {
  return Math.min(100 * 2 ** Math.min(attempt, 5), 2_000);
}

/**
 * For workers and blocking commands. BullMQ needs maxRetriesPerRequest null there; commands issued while
 * Redis is away wait in the offline queue and run once it is back, so a worker never gives up on its own.
 */
export function createRedis(url: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    enableOfflineQueue: true,
    retryStrategy: redisReconnectDelayMs,
  });
}

/** A command of the API's that Redis has not answered by then is refused, so no request waits longer. */
export const PRODUCER_COMMAND_TIMEOUT_MS = 2_000;

/**
 * For producers that answer a client (the API's queues, rate limit and readiness). With the offline queue
 * off, a command while Redis is down fails at once instead of piling up in memory, and a command on a
 * connection that stopped answering fails after PRODUCER_COMMAND_TIMEOUT_MS. It still reconnects for ever.
 */
export function createProducerRedis(url: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 1,
    enableReadyCheck: true,
    enableOfflineQueue: false,
    connectTimeout: PRODUCER_COMMAND_TIMEOUT_MS,
    commandTimeout: PRODUCER_COMMAND_TIMEOUT_MS,
    retryStrategy: redisReconnectDelayMs,
  });
}

/**
 * One warning when the connection drops and one line when it is back, instead of one per reconnect attempt:
 * an outage is survivable for both processes, so it is logged, never fatal.
 */
export function logRedisOutages(redis: Redis, logger: Logger): void {
  let down = false;
  redis.on('error', (error) => {
    if (!down) logger.warn({ err: error }, 'redis connection error; reconnecting');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info('redis connection is back');
    down = false;
  });
}
