// Removing a batch of stored objects, a few at a time: a sweep of 200 videos is hundreds of DELETE calls, and
// one at a time would make a run last as long as their round trips added up. A missing object is no error
// (Storage.delete is idempotent), so a sweep that repeats after a crash just removes nothing again.
import pLimit from 'p-limit';
import type { Storage } from '@sora-studio/shared';

/** Removals in flight at once, per sweep run. */
export const STORAGE_REMOVAL_CONCURRENCY = 16;

/** Removes every key; returns the keys whose removal failed, with their errors (empty: all gone). */
export async function removeStoredObjects(storage: Storage, keys: readonly string[]): Promise<Map<string, unknown>> {
  const limit = pLimit(STORAGE_REMOVAL_CONCURRENCY);
  const failures = new Map<string, unknown>();
  await Promise.all(keys.map((key) => limit(async () => {
    try {
      await storage.delete(key);
    } catch (error) {
      failures.set(key, error);
    }
  })));
  return failures;
}
