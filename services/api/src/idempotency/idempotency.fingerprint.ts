// What makes two requests "the same" for an Idempotency-Key: method, path, the validated body and, for an
// upload, the file's sha256. A form's random boundary, field order and JSON-vs-form do not matter, so an
// identical upload re-sent by a client's retry matches.
import { createHash } from 'node:crypto';

export interface RequestFingerprint {
  method: string;
  path: string;
  /** sha256 (hex) of the canonical method, path, body and file digest. */
  hash: string;
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Objects with sorted keys, recursively, so equal bodies serialise to equal strings. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, inner]) => [key, canonical(inner)]));
}

export function fingerprintRequest(request: {
  method: string;
  path: string;
  body: unknown;
  file: { field: string; bytes: Buffer } | null;
}): RequestFingerprint {
  const file = request.file ? { field: request.file.field, sha256: sha256(request.file.bytes) } : null;
  const hash = sha256(JSON.stringify(canonical({ method: request.method, path: request.path, body: request.body ?? null, file })));
  return { method: request.method, path: request.path, hash };
}
