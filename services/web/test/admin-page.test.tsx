import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { BudgetObject, UserObject } from '../src/api/types.ts';
import { fakeApi, renderApp, sessionOf } from './support/render-app.tsx';

function userOf(overrides: Partial<UserObject>): UserObject {
  return {
    id: 'user_grace', object: 'user', name: 'Grace', email: 'grace@example.com', role: 'user', created_at: 1_780_000_000,
    disabled_at: null, oidc_subject: null, rate_limit_per_minute: null, max_in_flight: null, ...overrides,
  };
}

function budgetOf(period: 'month' | 'day', limit: number): BudgetObject {
  return {
    id: `budget_${period}`, object: 'budget', user_id: 'user_grace', period, model: null, limit_micros: limit, spent_micros: 1_000_000,
    reserved_micros: 0, remaining_micros: Math.max(0, limit - 1_000_000), currency: 'usd', period_start: 1_780_000_000, period_end: 1_782_000_000,
  };
}

const page = (data: unknown[]) => ({ object: 'list', data, first_id: null, last_id: null, has_more: false });
const summary = { object: 'admin.summary', videos: { by_status: { queued: 1, in_progress: 2, completed: 3, failed: 0, cancelled: 0 }, unfinished: 3, stalled: 1 } };

describe('admin page', () => {
  it('lowers a user\'s monthly budget to the exact micro-dollars typed', async () => {
    const user = userEvent.setup();
    let budgets = [budgetOf('month', 50_000_000), budgetOf('day', 10_000_000)];
    const api = fakeApi({
      'GET /admin/summary': summary,
      'GET /admin/users': page([userOf({ id: 'user_ada', name: 'Ada', email: 'ada@example.com', role: 'admin' }), userOf({})]),
      'GET /admin/users/user_grace/budgets': () => ({ body: { object: 'list', data: budgets } }),
      'PATCH /admin/users/user_grace/budgets': () => {
        budgets = [budgetOf('month', 70_000), budgetOf('day', 10_000_000)];
        return { body: { object: 'list', data: budgets } };
      },
    });
    await renderApp('/admin', { session: sessionOf('admin') });
    expect(screen.getByRole('heading', { name: 'Admin' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Bull Board' }).getAttribute('href')).toBe('/admin/queues');

    await user.type(await screen.findByLabelText('Find a user'), 'gra');
    expect(screen.queryByRole('button', { name: 'Ada' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Grace' }));

    const monthly = await screen.findByLabelText('Monthly budget (USD)');
    expect((monthly as HTMLInputElement).value).toBe('50');
    await user.clear(monthly);
    await user.type(monthly, '0.07');
    await user.click(screen.getByRole('button', { name: 'Save budgets' }));

    expect(await screen.findByText(/Budgets saved/)).toBeTruthy();
    const patch = api.calls.find((call) => call.method === 'PATCH');
    expect(patch?.body).toEqual({ budgets: [{ period: 'month', model: null, limit_micros: 70_000 }] });
    expect(patch?.headers.get('X-CSRF-Token')).toBe('csrf-test-token');
    await waitFor(() => expect((screen.getByLabelText('Monthly budget (USD)') as HTMLInputElement).value).toBe('0.07'));
  });

  it('sets and removes a per-model budget', async () => {
    const user = userEvent.setup();
    let budgets = [budgetOf('month', 50_000_000)];
    const model = (id: string, isDefault: boolean) => ({ id, object: 'model', created: 1, owned_by: 'sora-studio', default: isDefault, sizes: [], seconds: ['4'] });
    const api = fakeApi({
      'GET /admin/summary': summary,
      'GET /admin/users': page([userOf({})]),
      'GET /v1/models': { object: 'list', data: [model('sora-2', true), model('sora-2-pro', false)] },
      'GET /admin/users/user_grace/budgets': () => ({ body: { object: 'list', data: budgets } }),
      'PATCH /admin/users/user_grace/budgets': (request) => {
        const [change] = (request.body as { budgets: { period: 'day' | 'month'; model: string; limit_micros: number | null }[] }).budgets;
        budgets = change?.limit_micros === null ? [budgets[0]!] : [budgets[0]!, { ...budgetOf(change!.period, change!.limit_micros!), id: 'budget_model', model: change!.model }];
        return { body: { object: 'list', data: budgets } };
      },
    });
    await renderApp('/admin', { session: sessionOf('admin') });
    await user.click(await screen.findByRole('button', { name: 'Grace' }));
    const form = await screen.findByRole('form', { name: 'Per-model budget of Grace' });
    await user.selectOptions(await within(form).findByLabelText('Model'), 'sora-2-pro');
    await user.selectOptions(within(form).getByLabelText('Period'), 'day');
    await user.type(within(form).getByLabelText('Model limit (USD)'), '2.5');
    await user.click(within(form).getByRole('button', { name: 'Set model budget' }));

    await user.click(await screen.findByRole('button', { name: 'Remove the daily budget of sora-2-pro' }));
    await waitFor(() => expect(screen.getByText('None: only the limits above apply.')).toBeTruthy());
    expect(api.calls.filter((call) => call.method === 'PATCH').map((call) => call.body)).toEqual([
      { budgets: [{ period: 'day', model: 'sora-2-pro', limit_micros: 2_500_000 }] },
      { budgets: [{ period: 'day', model: 'sora-2-pro', limit_micros: null }] },
    ]);
  });

  it('refuses an amount it cannot convert exactly, without calling the API', async () => {
    const user = userEvent.setup();
    const api = fakeApi({
      'GET /admin/summary': summary,
      'GET /admin/users': page([userOf({})]),
      'GET /admin/users/user_grace/budgets': { object: 'list', data: [] },
    });
    await renderApp('/admin', { session: sessionOf('admin') });
    await user.click(await screen.findByRole('button', { name: 'Grace' }));
    await user.type(await screen.findByLabelText('Monthly budget (USD)'), '1.0000001');
    await user.click(screen.getByRole('button', { name: 'Save budgets' }));
    expect(await screen.findByText(/at most 6 decimals/)).toBeTruthy();
    expect(api.calls.some((call) => call.method === 'PATCH')).toBe(false);
  });

  it('disables a user after confirmation and changes a role with PATCH', async () => {
    const user = userEvent.setup();
    let grace = userOf({});
    const api = fakeApi({
      'GET /admin/summary': summary,
      'GET /admin/users': () => ({ body: page([grace]) }),
      'GET /admin/users/user_grace/budgets': { object: 'list', data: [] },
      'PATCH /admin/users/user_grace': (request) => {
        const body = request.body as { disabled?: boolean; role?: 'user' | 'admin' };
        grace = { ...grace, ...(body.role ? { role: body.role } : {}), ...(body.disabled ? { disabled_at: 1_780_000_500 } : {}) };
        return { body: grace };
      },
    });
    await renderApp('/admin', { session: sessionOf('admin') });
    await user.click(await screen.findByRole('button', { name: 'Grace' }));
    await user.selectOptions(screen.getByLabelText('Role'), 'admin');
    expect(api.calls.some((call) => call.method === 'PATCH')).toBe(false);
    await user.click(screen.getByRole('button', { name: 'Change role' }));
    await waitFor(() => expect(api.calls.filter((call) => call.method === 'PATCH').map((call) => call.body)).toEqual([{ role: 'admin' }]));

    await user.click(screen.getByRole('button', { name: 'Disable user' }));
    const dialog = screen.getByRole('dialog', { name: 'Disable Grace?' });
    await user.click(within(dialog).getByRole('button', { name: 'Disable user' }));
    expect(await screen.findByRole('button', { name: 'Enable user' })).toBeTruthy();
    expect(api.calls.filter((call) => call.method === 'PATCH').map((call) => call.body)).toEqual([{ role: 'admin' }, { disabled: true }]);
  });

  it('creates a user and opens it, then saves its rate limits with an empty field meaning the default', async () => {
    const user = userEvent.setup();
    let users: UserObject[] = [];
    const api = fakeApi({
      'GET /admin/summary': summary,
      'GET /admin/users': () => ({ body: page(users) }),
      'POST /admin/users': (request) => {
        const body = request.body as { name: string; email?: string; role: 'user' | 'admin' };
        users = [userOf({ id: 'user_new', name: body.name, email: body.email ?? null, role: body.role, rate_limit_per_minute: 30 })];
        return { status: 201, body: users[0] };
      },
      'GET /admin/users/user_new/budgets': { object: 'list', data: [] },
      'PATCH /admin/users/user_new': (request) => {
        users = [{ ...users[0]!, ...(request.body as Partial<UserObject>) }];
        return { body: users[0] };
      },
    });
    await renderApp('/admin', { session: sessionOf('admin') });
    expect(await screen.findByText('No users yet')).toBeTruthy();
    const form = screen.getByRole('form', { name: 'Create user' });
    await user.type(within(form).getByLabelText('Name'), 'Bea Budget');
    await user.type(within(form).getByLabelText('Email'), 'bea@example.com');
    await user.click(within(form).getByRole('button', { name: 'Create user' }));
    expect(api.calls.find((call) => call.method === 'POST')?.body).toEqual({ name: 'Bea Budget', email: 'bea@example.com', role: 'user' });

    expect(await screen.findByRole('heading', { name: 'Bea Budget' })).toBeTruthy();
    const perMinute = screen.getByLabelText('Requests per minute');
    expect((perMinute as HTMLInputElement).value).toBe('30');
    await user.clear(perMinute);
    await user.type(screen.getByLabelText('Videos in flight at once'), '0');
    expect(screen.getByRole('button', { name: 'Save limits' }).hasAttribute('disabled')).toBe(true);
    await user.clear(screen.getByLabelText('Videos in flight at once'));
    await user.type(screen.getByLabelText('Videos in flight at once'), '3');
    await user.click(screen.getByRole('button', { name: 'Save limits' }));
    expect(await screen.findByText('Limits saved.')).toBeTruthy();
    expect(api.calls.find((call) => call.method === 'PATCH')?.body).toEqual({ rate_limit_per_minute: null, max_in_flight: 3 });
  });

  it('resolves a stalled video only after confirmation', async () => {
    const user = userEvent.setup();
    const stalled = {
      id: 'video_stuck', object: 'video', model: 'sora-2', status: 'in_progress', progress: 40, created_at: 1_780_000_000, completed_at: null, expires_at: null,
      prompt: 'a lighthouse in fog', size: '1280x720', seconds: '4', user_id: 'user_grace', provider_video_id: 'p_1', provider_status: 'in_progress',
      submit_attempts: 1, stalled_at: 1_780_000_900, stalled_reason: 'no_progress', last_progress_at: 1_780_000_100, deleted_at: null,
    };
    let videos = [stalled];
    const api = fakeApi({
      'GET /admin/summary': summary,
      'GET /admin/users': page([]),
      'GET /admin/videos': () => ({ body: page(videos) }),
      'POST /admin/videos/video_stuck/resolve': () => {
        videos = [];
        return { body: { ...stalled, status: 'failed' } };
      },
    });
    await renderApp('/admin', { session: sessionOf('admin') });
    await user.click(screen.getByRole('tab', { name: 'Stalled videos' }));
    expect(api.calls.find((call) => call.url.pathname === '/admin/videos')?.url.searchParams.get('stalled')).toBe('true');
    await user.click(await screen.findByRole('button', { name: 'Fail and release video_stuck' }));
    expect(api.calls.some((call) => call.method === 'POST')).toBe(false);
    await user.type(within(screen.getByRole('dialog')).getByLabelText('Reason (optional)'), 'provider lost it');
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Fail and release' }));
    expect(await screen.findByText('No stalled videos')).toBeTruthy();
    expect(api.calls.find((call) => call.method === 'POST')?.body).toEqual({ action: 'fail_release', reason: 'provider lost it' });
  });

  it('tells a non-admin it is for admins only and makes no /admin request', async () => {
    const api = fakeApi({});
    await renderApp('/admin', { session: sessionOf('user') });
    expect((await screen.findByRole('alert')).textContent).toContain('Admins only');
    expect(screen.queryByRole('link', { name: 'Admin' })).toBeNull();
    expect(api.calls.filter((call) => call.url.pathname.startsWith('/admin'))).toEqual([]);
  });
});
