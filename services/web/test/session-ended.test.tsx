import { act, screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ApiKeyObject } from '../src/api/types.ts';
import { FakeEventSource } from './support/fake-event-source.ts';
import { fakeApi, renderApp } from './support/render-app.tsx';

const SIGN_IN_METHODS = { object: 'sign_in_methods', api_key: { enabled: true }, oidc: { enabled: false, start_url: null } };
const REVOKED_MESSAGE = 'The API key this session was made with has been revoked. Sign in again.';

function unauthorized(code: string, message: string) {
  return { status: 401, body: { error: { message, type: 'authentication_error', param: null, code } } };
}

function keyOf(overrides: Partial<ApiKeyObject> = {}): ApiKeyObject {
  return { id: 'key_1', object: 'api_key', user_id: 'user_test', name: 'laptop', prefix: 'sk-test', created_at: 1_780_000_000, last_used_at: null, revoked_at: null, ...overrides };
}

describe('a session that ends under the user', () => {
  it('sends the user to sign-in with the reason once revoking their own key ends the session', async () => {
    const user = userEvent.setup();
    let revoked = false;
    fakeApi({
      'GET /v1/session/methods': SIGN_IN_METHODS,
      'GET /v1/api_keys': () => (revoked ? unauthorized('invalid_api_key', REVOKED_MESSAGE) : { body: { object: 'list', data: [keyOf()] } }),
      'DELETE /v1/api_keys/key_1': () => {
        revoked = true;
        return { body: keyOf({ revoked_at: 1_780_000_100 }) };
      },
    });
    const { router } = await renderApp('/api-keys');
    await user.click(await screen.findByRole('button', { name: /Revoke/ }));
    expect((await screen.findByRole('dialog')).textContent).toContain('You signed in to the Studio with this key: revoking it signs you out.');
    await user.click(await screen.findByRole('button', { name: 'Revoke key' }));

    await waitFor(() => expect(router.state.location.pathname).toBe('/sign-in'));
    expect((await screen.findByRole('status')).textContent).toBe(REVOKED_MESSAGE);
    expect(screen.getByLabelText('API key')).toBeTruthy();
  });

  it('notices a session ended elsewhere when the live stream is refused', async () => {
    const stream = FakeEventSource.install();
    fakeApi({
      'GET /v1/session/methods': SIGN_IN_METHODS,
      'GET /v1/models': { object: 'list', data: [] },
      'GET /v1/videos': { object: 'list', data: [], has_more: false, first_id: null, last_id: null },
      'GET /v1/session': () => unauthorized('missing_api_key', "You didn't provide an API key."),
    });
    const { router } = await renderApp('/create');
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    act(() => stream.latest().fail(true));

    await waitFor(() => expect(router.state.location.pathname).toBe('/sign-in'));
    expect((await screen.findByRole('status')).textContent).toBe('Your session has ended: it was signed out elsewhere, it expired, or its API key was revoked. Sign in again.');
  });

  it('says nothing of an ended session after the user signs out themselves', async () => {
    const user = userEvent.setup();
    fakeApi({
      'GET /v1/session/methods': SIGN_IN_METHODS,
      'GET /v1/models': { object: 'list', data: [] },
      'GET /v1/videos': { object: 'list', data: [], has_more: false, first_id: null, last_id: null },
      'DELETE /v1/session': () => ({ status: 204 }),
    });
    const { router } = await renderApp('/create');
    await user.click(screen.getByRole('button', { name: 'Sign out' }));

    await waitFor(() => expect(router.state.location.pathname).toBe('/sign-in'));
    expect(await screen.findByLabelText('API key')).toBeTruthy();
    expect(screen.queryByText(/session has ended/)).toBeNull();
  });
});
