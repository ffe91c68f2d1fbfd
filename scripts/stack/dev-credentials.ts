// The users and API keys the banner prints: a dev user, and a Studio admin (the ADMIN_API_KEY is no user, so
// it cannot sign in to the Studio; the admin user is how the Admin page is reached). Made once through the
// admin HTTP API (the same path an operator would take) and kept in .data/, so every restart shows the same keys.
import { existsSync, readFileSync } from 'node:fs';
import { failure } from './terminal.ts';
import { writePrivateFile } from './secrets.ts';

export interface DevCredentials {
  userId: string;
  apiKey: string;
}

/** Who the stack makes: found again by email when .data/ was wiped but the database was not. */
export interface StackUser {
  name: string;
  email: string;
  role: 'user' | 'admin';
}

// The API validates emails strictly, so not plain dev@localhost; .localhost is reserved for local use (RFC 6761).
export const DEV_USER: StackUser = { name: 'dev', email: 'dev@sora-studio.localhost', role: 'user' };
export const STUDIO_ADMIN_USER: StackUser = { name: 'admin', email: 'admin@sora-studio.localhost', role: 'admin' };

interface AdminApi {
  /** e.g. http://127.0.0.1:3000 */
  origin: string;
  adminKey: string;
}

async function call(api: AdminApi, method: string, path: string, bearer: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${api.origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON; keep the text for the error line
  }
  return { status: response.status, json };
}

function expectSuccess(result: { status: number; json: unknown }, what: string): Record<string, unknown> {
  if (result.status < 200 || result.status > 299) throw failure(`${what} answered HTTP ${result.status}: ${JSON.stringify(result.json)}`);
  return result.json as Record<string, unknown>;
}

function readSaved(path: string): DevCredentials | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const saved = JSON.parse(readFileSync(path, 'utf8')) as Partial<DevCredentials>;
    return typeof saved.userId === 'string' && typeof saved.apiKey === 'string' ? { userId: saved.userId, apiKey: saved.apiKey } : undefined;
  } catch {
    return undefined;
  }
}

async function keyWorks(api: AdminApi, apiKey: string, user: StackUser): Promise<boolean> {
  const { status } = await call(api, 'GET', '/v1/videos?limit=1', apiKey);
  if (status === 200) return true;
  if (status === 401 || status === 403) return false;
  throw failure(`GET /v1/videos answered HTTP ${status} while checking the saved ${user.name} key`);
}

async function createKey(api: AdminApi, userId: string, user: StackUser): Promise<string | undefined> {
  const result = await call(api, 'POST', `/admin/users/${encodeURIComponent(userId)}/api_keys`, api.adminKey, { name: user.name });
  if (result.status === 404) return undefined;
  const created = expectSuccess(result, `POST /admin/users/${userId}/api_keys`);
  return String(created.key);
}

/** The user already exists when .data/ was wiped but the database was not: find it by its email. */
async function findUser(api: AdminApi, user: StackUser): Promise<string | undefined> {
  let after: string | null = null;
  do {
    const query: string = `/admin/users?limit=100&order=asc${after ? `&after=${encodeURIComponent(after)}` : ''}`;
    const page = expectSuccess(await call(api, 'GET', query, api.adminKey), 'GET /admin/users') as {
      data: { id: string; email: string | null }[];
      has_more: boolean;
      last_id: string | null;
    };
    const found = page.data.find((candidate) => candidate.email === user.email);
    if (found) return found.id;
    after = page.has_more ? page.last_id : null;
  } while (after);
  return undefined;
}

async function createUser(api: AdminApi, user: StackUser): Promise<{ id: string; existed: boolean }> {
  const result = await call(api, 'POST', '/admin/users', api.adminKey, user);
  const existing = result.status === 409 ? await findUser(api, user) : undefined;
  if (existing) return { id: existing, existed: true };
  return { id: String(expectSuccess(result, 'POST /admin/users').id), existed: false };
}

export interface DevCredentialsOutcome {
  credentials: DevCredentials;
  /** What had to be made, as one line for the terminal; null when the saved key still works. */
  change: string | null;
}

/** Reuses the saved key while it works; otherwise a new key for the saved user, or a new user and key. */
export async function ensureDevCredentials(api: AdminApi, path: string, user: StackUser = DEV_USER): Promise<DevCredentialsOutcome> {
  const saved = readSaved(path);
  if (saved && (await keyWorks(api, saved.apiKey, user))) return { credentials: saved, change: null };

  // The saved user survives a revoked key, but not a reset database.
  const keyForSavedUser = saved ? await createKey(api, saved.userId, user) : undefined;
  let outcome: DevCredentialsOutcome;
  if (saved && keyForSavedUser) {
    outcome = {
      credentials: { userId: saved.userId, apiKey: keyForSavedUser },
      change: `the saved ${user.name} API key no longer works; made a new one for ${saved.userId}`,
    };
  } else {
    const created = await createUser(api, user);
    const apiKey = await createKey(api, created.id, user);
    if (!apiKey) throw failure(`POST /admin/users/${created.id}/api_keys answered 404 for the user just found or created`);
    outcome = {
      credentials: { userId: created.id, apiKey },
      change: created.existed
        ? `made a new API key for the existing ${user.name} user ${created.id}`
        : `created the ${user.name} user ${created.id} (role ${user.role}) and its API key`,
    };
  }
  writePrivateFile(path, `${JSON.stringify(outcome.credentials, null, 2)}\n`);
  return outcome;
}
