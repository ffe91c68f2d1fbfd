// Users and keys made the way an operator makes them: through the admin API, so they get what every new
// user gets (default budgets, an audit entry).
import { expect } from 'vitest';
import { ADMIN_KEY, call, type ApiHarness } from './api-harness.ts';

export interface AdminMadeUser {
  id: string;
  apiKey: string;
  keyId: string;
  prefix: string;
}

export async function adminMadeUser(api: Pick<ApiHarness, 'origin'>, body: Record<string, unknown> = {}): Promise<AdminMadeUser> {
  const user = await call(api, 'POST', '/admin/users', { key: ADMIN_KEY, json: { name: 'someone', ...body } });
  expect(user.status).toBe(201);
  const key = await call(api, 'POST', `/admin/users/${user.body.id}/api_keys`, { key: ADMIN_KEY, json: { name: 'main' } });
  expect(key.status).toBe(201);
  return { id: user.body.id, apiKey: key.body.key, keyId: key.body.id, prefix: key.body.prefix };
}
