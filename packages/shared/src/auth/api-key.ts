// API keys: `sk_` + 40 random base62-ish characters. Only the sha256 is stored; the first characters
// (the prefix) name the key in lists and logs without being enough to use it.
import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX_LENGTH = 11;

export interface GeneratedApiKey {
  key: string;
  prefix: string;
  hash: string;
}

export function generateApiKey(): GeneratedApiKey {
  const key = `sk_${randomBytes(30).toString('base64url')}`;
  return { key, prefix: key.slice(0, API_KEY_PREFIX_LENGTH), hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
