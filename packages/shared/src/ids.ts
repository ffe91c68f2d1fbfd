// Prefixed, time-ordered ids (`video_…`, `user_…`): sorting by id sorts by creation, so a cursor is just an id.
import { randomBytes } from 'node:crypto';

export type IdPrefix = 'video' | 'user' | 'key' | 'evt' | 'req' | 'ledger' | 'budget' | 'whe' | 'whd' | 'wha';

/** `<prefix>_` + 12 hex digits of milliseconds + 20 random hex digits (OpenAI's ids are hex too). */
export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  const time = now.toString(16).padStart(12, '0');
  return `${prefix}_${time}${randomBytes(10).toString('hex')}`;
}
