// A Redis key prefix per test file; the keys are removed when the file is done.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { infrastructure } from './infrastructure.ts';

export interface TestRedis {
  url: string;
  prefix: string;
  cleanup(): Promise<void>;
}

export async function createTestRedis(label = 'test'): Promise<TestRedis> {
  const { redisUrl } = await infrastructure();
  const prefix = `test:${label.replace(/\W/g, '_')}:${randomBytes(4).toString('hex')}`;
  return {
    url: redisUrl,
    prefix,
    async cleanup() {
      const redis = new Redis(redisUrl);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
          cursor = next;
          if (keys.length > 0) await redis.del(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}
