// A Lua script run by its SHA (EVALSHA, one small round trip), sent in full only to a Redis that does not have it
// yet (NOSCRIPT: a new, restarted or flushed Redis). The one way the API and the worker run their scripts.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

const shas = new Map<string, string>();

function shaOf(script: string): string {
  let sha = shas.get(script);
  if (!sha) {
    sha = createHash('sha1').update(script).digest('hex');
    shas.set(script, sha);
  }
  return sha;
}

export async function runScript(redis: Redis, script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
  try {
    return await redis.evalsha(shaOf(script), keys.length, ...keys, ...args);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('NOSCRIPT')) return redis.eval(script, keys.length, ...keys, ...args);
    throw error;
  }
}
