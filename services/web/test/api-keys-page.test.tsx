import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ApiKeyObject } from '../src/api/types.ts';
import { fakeApi, renderApp } from './support/render-app.tsx';

function keyOf(overrides: Partial<ApiKeyObject> = {}): ApiKeyObject {
  return { id: 'key_1', object: 'api_key', user_id: 'user_test', name: 'laptop', prefix: 'sk-abc12', created_at: 1_780_000_000, last_used_at: null, revoked_at: null, ...overrides };
}

describe('API keys page', () => {
  it('shows a new key once, copies it, and keeps it out of browser storage', async () => {
    const user = userEvent.setup();
    let keys: ApiKeyObject[] = [];
    const api = fakeApi({
      'GET /v1/api_keys': () => ({ body: { object: 'list', data: keys } }),
      'POST /v1/api_keys': (request) => {
        const name = (request.body as { name: string }).name;
        keys = [keyOf({ id: 'key_2', name })];
        return { status: 201, body: { ...keys[0], key: 'sk-abc12-the-whole-secret' } };
      },
    });
    await renderApp('/api-keys');
    expect(await screen.findByText('No API keys yet')).toBeTruthy();

    await user.type(screen.getByLabelText('Key name'), 'CI pipeline');
    await user.click(screen.getByRole('button', { name: 'Create key' }));

    const secret = await screen.findByDisplayValue('sk-abc12-the-whole-secret');
    expect(secret.hasAttribute('readonly')).toBe(true);
    expect(screen.getByText(/will not be shown again/)).toBeTruthy();
    expect(api.calls.find((call) => call.method === 'POST')?.body).toEqual({ name: 'CI pipeline' });
    expect(await screen.findByRole('cell', { name: 'CI pipeline' })).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Copy' }));
    expect(await navigator.clipboard.readText()).toBe('sk-abc12-the-whole-secret');
    expect(screen.getByRole('button', { name: 'Copied' })).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'I have saved it' }));
    expect(screen.queryByDisplayValue('sk-abc12-the-whole-secret')).toBeNull();
    expect(JSON.stringify({ ...localStorage, ...sessionStorage })).not.toContain('the-whole-secret');
  });

  it('asks before revoking, then sends DELETE with the CSRF token and marks the key revoked', async () => {
    const user = userEvent.setup();
    let keys = [keyOf()];
    const api = fakeApi({
      'GET /v1/api_keys': () => ({ body: { object: 'list', data: keys } }),
      'DELETE /v1/api_keys/key_1': () => {
        keys = [keyOf({ revoked_at: 1_780_000_100 })];
        return { body: { id: 'key_1', object: 'api_key.revoked', revoked: true } };
      },
    });
    await renderApp('/api-keys');
    await user.click(await screen.findByRole('button', { name: 'Revoke laptop' }));

    const dialog = screen.getByRole('dialog', { name: 'Revoke this key?' });
    expect(api.calls.some((call) => call.method === 'DELETE')).toBe(false);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.calls.some((call) => call.method === 'DELETE')).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Revoke laptop' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke key' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const revoke = api.calls.find((call) => call.method === 'DELETE');
    expect(revoke?.headers.get('X-CSRF-Token')).toBe('csrf-test-token');
    expect(await screen.findByText(/^Revoked/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Revoke laptop' })).toBeNull();
  });
});
