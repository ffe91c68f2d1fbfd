import { screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi, renderApp, sessionOf } from './support/render-app.tsx';

describe('sign-in page', () => {
  it('exchanges the API key for a session and never stores the key in the browser', async () => {
    const api = fakeApi({
      'GET /v1/session/methods': { object: 'sign_in_methods', api_key: { enabled: true }, oidc: { enabled: false, start_url: null } },
      'POST /v1/sessions': () => ({ status: 201, body: sessionOf() }),
    });
    const { router } = await renderApp('/sign-in', { session: null });
    await userEvent.type(screen.getByLabelText('API key'), 'sk-live-secret');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/create'));
    const post = api.calls.find((call) => call.method === 'POST');
    expect(post?.body).toEqual({ api_key: 'sk-live-secret' });
    expect(JSON.stringify({ ...localStorage })).not.toContain('sk-live-secret');
    expect(JSON.stringify({ ...sessionStorage })).not.toContain('sk-live-secret');
  });

  it('shows the API\'s refusal and offers single sign-on when the server has OIDC', async () => {
    fakeApi({
      'GET /v1/session/methods': { object: 'sign_in_methods', api_key: { enabled: true }, oidc: { enabled: true, start_url: '/v1/sessions/oidc/start' } },
      'POST /v1/sessions': () => ({ status: 401, body: { error: { message: 'Invalid API key.', type: 'authentication_error', param: null, code: 'invalid_api_key' } } }),
    });
    await renderApp('/sign-in', { session: null });
    expect(await screen.findByRole('link', { name: 'Sign in with single sign-on' })).toHaveProperty('href', 'http://localhost:3000/v1/sessions/oidc/start');
    await userEvent.type(screen.getByLabelText('API key'), 'sk-wrong');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Invalid API key.');
  });

  it('sends a signed-out visitor of a page to sign-in, and shows an OIDC refusal', async () => {
    fakeApi({ 'GET /v1/session/methods': { object: 'sign_in_methods', api_key: { enabled: true }, oidc: { enabled: true, start_url: '/v1/sessions/oidc/start' } } });
    const { router } = await renderApp('/gallery?sign_in_error=unknown_subject', { session: null });
    expect(router.state.location.pathname).toBe('/sign-in');
    expect((await screen.findByRole('alert')).textContent).toContain('not set up in this Studio');
  });
});
