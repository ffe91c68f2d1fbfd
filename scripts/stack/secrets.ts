// Secrets the stack makes up on first run and keeps in .data/ (mode 600), so a restart reuses them:
// the admin API key, and the key the emulator demands and the worker sends. They are never printed whole
// (stdout often ends up in a log file anyone can read); the banner shows a prefix and the file.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface KeptSecret {
  value: string;
  /** Where it came from, for the banner: the environment, the file, or just generated into the file. */
  source: 'env' | 'file' | 'generated';
}

/** Writes a file only its owner can read, creating .data/ as needed. */
export function writePrivateFile(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600); // writeFileSync's mode applies only when it creates the file
}

/** `encoding`: base64url for our keys; plain base64 for a Standard Webhooks `whsec_` secret, which receivers decode as such. */
export function keepSecret(path: string, given: string | undefined, prefix = '', encoding: 'base64url' | 'base64' = 'base64url'): KeptSecret {
  if (given) return { value: given, source: 'env' };
  if (existsSync(path)) {
    const value = readFileSync(path, 'utf8').trim();
    if (value) return { value, source: 'file' };
  }
  const value = `${prefix}${randomBytes(32).toString(encoding)}`;
  writePrivateFile(path, `${value}\n`);
  return { value, source: 'generated' };
}

/** Enough of a key to tell which one it is, as the API's logs name keys, and not enough to use it. */
export function secretPrefix(secret: string, shown = 12): string {
  return `${secret.slice(0, shown)}…`;
}
