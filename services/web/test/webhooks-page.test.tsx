import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { WebhookDeliveryAttemptObject, WebhookEndpointObject } from '../src/api/types.ts';
import { fakeApi, renderApp } from './support/render-app.tsx';

const EVENT_TYPES = { object: 'list', data: ['video.completed', 'video.failed', 'video.cancelled'] };
const page = (data: unknown[]) => ({ object: 'list', data, first_id: null, last_id: null, has_more: false });

function endpointOf(overrides: Partial<WebhookEndpointObject> = {}): WebhookEndpointObject {
  return {
    id: 'we_1', object: 'webhook_endpoint', name: 'hooks.example.com', url: 'https://hooks.example.com/sora', event_types: ['video.completed'],
    signing_secret_hint: 'whsec_…x9z', created_at: 1_780_000_000, updated_at: 1_780_000_000, disabled_at: null, disabled_reason: null, ...overrides,
  };
}

function attemptOf(overrides: Partial<WebhookDeliveryAttemptObject>): WebhookDeliveryAttemptObject {
  return {
    object: 'webhook_delivery.attempt', id: 'wha_1', delivery_id: 'whd_1', event_id: 'evt_1', event_type: 'video.completed', delivery_state: 'failed',
    attempted_at: 1_780_000_100, status_code: 500, duration_ms: 120, error: null, response_body: 'oops', ...overrides,
  };
}

describe('webhooks page', () => {
  it('creates an endpoint with the chosen events and shows its signing secret once', async () => {
    const user = userEvent.setup();
    let endpoints: WebhookEndpointObject[] = [];
    const api = fakeApi({
      'GET /v1/webhook_event_types': EVENT_TYPES,
      'GET /v1/webhook_endpoints': () => ({ body: page(endpoints) }),
      'POST /v1/webhook_endpoints': (request) => {
        const body = request.body as { name: string; url: string; event_types: string[] };
        endpoints = [endpointOf({ name: body.name, url: body.url, event_types: body.event_types })];
        return { body: { ...endpoints[0], signing_secret: 'whsec_the-whole-secret' } };
      },
    });
    await renderApp('/webhooks');
    expect(await screen.findByText('No endpoints yet')).toBeTruthy();

    await user.type(screen.getByLabelText('Endpoint URL'), 'https://hooks.example.com/sora');
    await user.click(await screen.findByRole('checkbox', { name: 'video.failed' }));
    await user.click(screen.getByRole('checkbox', { name: 'video.cancelled' }));
    await user.click(screen.getByRole('button', { name: 'Add endpoint' }));

    expect(await screen.findByDisplayValue('whsec_the-whole-secret')).toBeTruthy();
    expect(screen.getByText(/will not be shown again/)).toBeTruthy();
    const post = api.calls.find((call) => call.method === 'POST');
    expect(post?.body).toEqual({ url: 'https://hooks.example.com/sora', name: 'hooks.example.com', event_types: ['video.completed', 'video.cancelled'] });
    expect(post?.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(post?.headers.get('X-CSRF-Token')).toBe('csrf-test-token');
    expect(await screen.findByRole('heading', { name: 'hooks.example.com' })).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'I have saved it' }));
    expect(screen.queryByDisplayValue('whsec_the-whole-secret')).toBeNull();
  });

  it('stops showing a new signing secret once its endpoint is deleted', async () => {
    const user = userEvent.setup();
    let endpoints: WebhookEndpointObject[] = [];
    fakeApi({
      'GET /v1/webhook_event_types': EVENT_TYPES,
      'GET /v1/webhook_endpoints': () => ({ body: page(endpoints) }),
      'POST /v1/webhook_endpoints': () => {
        endpoints = [endpointOf()];
        return { body: { ...endpoints[0], signing_secret: 'whsec_soon-useless' } };
      },
      'DELETE /v1/webhook_endpoints/we_1': () => {
        endpoints = [];
        return { body: { id: 'we_1', object: 'webhook_endpoint.deleted', deleted: true } };
      },
    });
    await renderApp('/webhooks');
    await user.type(await screen.findByLabelText('Endpoint URL'), 'https://hooks.example.com/sora');
    await user.click(screen.getByRole('button', { name: 'Add endpoint' }));
    expect(await screen.findByDisplayValue('whsec_soon-useless')).toBeTruthy();

    await user.click(await screen.findByRole('button', { name: 'Delete' }));
    await user.click(await screen.findByRole('button', { name: 'Delete endpoint' }));
    expect(await screen.findByText('No endpoints yet')).toBeTruthy();
    expect(screen.queryByDisplayValue('whsec_soon-useless')).toBeNull();
  });

  it('lists each delivery with its attempts and redelivers one', async () => {
    const user = userEvent.setup();
    const api = fakeApi({
      'GET /v1/webhook_event_types': EVENT_TYPES,
      'GET /v1/webhook_endpoints': page([endpointOf()]),
      'GET /v1/webhook_endpoints/we_1/deliveries': page([
        attemptOf({ id: 'wha_2', status_code: null, error: 'connect ECONNREFUSED', duration_ms: 3 }),
        attemptOf({ id: 'wha_1' }),
        attemptOf({ id: 'wha_0', delivery_id: 'whd_0', event_type: 'video.failed', delivery_state: 'delivered', status_code: 204 }),
      ]),
      'POST /v1/webhook_endpoints/we_1/deliveries/whd_1/redeliver': {
        object: 'webhook_delivery', id: 'whd_1', webhook_endpoint_id: 'we_1', event_id: 'evt_1', event_type: 'video.completed', state: 'pending',
        attempts: 0, next_attempt_at: 1_780_000_200, last_attempt_at: 1_780_000_100, delivered_at: null, created_at: 1_780_000_000,
      },
    });
    await renderApp('/webhooks');
    await user.click(await screen.findByRole('button', { name: 'Show deliveries' }));

    const deliveries = await screen.findByRole('list', { name: 'Deliveries' });
    const items = within(deliveries).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    const failing = items[0]!;
    expect(within(failing).getAllByRole('row')).toHaveLength(3);
    expect(within(failing).getByText('connect ECONNREFUSED')).toBeTruthy();
    expect(within(failing).getByText('no answer')).toBeTruthy();
    expect(within(failing).getByText('500')).toBeTruthy();

    await user.click(within(failing).getByRole('button', { name: 'Redeliver video.completed whd_1' }));
    expect(await screen.findByText(/Queued again/)).toBeTruthy();
    const redeliver = api.calls.find((call) => call.method === 'POST');
    expect(redeliver?.url.pathname).toBe('/v1/webhook_endpoints/we_1/deliveries/whd_1/redeliver');
    expect(redeliver?.headers.get('X-CSRF-Token')).toBe('csrf-test-token');
  });

  it('edits a disabled endpoint\'s events, which is what makes it receive again', async () => {
    const user = userEvent.setup();
    let endpoint = endpointOf({ disabled_at: 1_780_000_300, disabled_reason: 'the receiver answered 410' });
    const api = fakeApi({
      'GET /v1/webhook_event_types': EVENT_TYPES,
      'GET /v1/webhook_endpoints': () => ({ body: page([endpoint]) }),
      'POST /v1/webhook_endpoints/we_1': (request) => {
        endpoint = { ...endpoint, ...(request.body as Partial<WebhookEndpointObject>), disabled_at: null, disabled_reason: null };
        return { body: endpoint };
      },
    });
    await renderApp('/webhooks');
    expect(await screen.findByText(/the receiver answered 410/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Edit' }));
    const form = screen.getByRole('form', { name: 'Edit hooks.example.com' });
    await user.click(await within(form).findByRole('checkbox', { name: 'video.failed' }));
    await user.click(within(form).getByRole('button', { name: 'Save endpoint' }));

    await waitFor(() => expect(screen.queryByRole('form', { name: 'Edit hooks.example.com' })).toBeNull());
    expect(api.calls.find((call) => call.method === 'POST')?.body).toEqual({
      name: 'hooks.example.com', url: 'https://hooks.example.com/sora', event_types: ['video.completed', 'video.failed'],
    });
    expect(await screen.findByText('receiving')).toBeTruthy();
  });

  it('sends a test event and shows what the receiver answered, or why it could not', async () => {
    const user = userEvent.setup();
    let answer: { status: number; body: unknown } = { status: 200, body: { object: 'webhook_endpoint.test', webhook_endpoint_id: 'we_1', event_type: 'video.completed', status_code: 202, success: true } };
    const api = fakeApi({
      'GET /v1/webhook_event_types': EVENT_TYPES,
      'GET /v1/webhook_endpoints': page([endpointOf()]),
      'POST /v1/webhook_endpoints/we_1/test': () => answer,
    });
    await renderApp('/webhooks');
    await user.click(await screen.findByRole('button', { name: 'Send test event' }));
    expect(await screen.findByText(/the receiver answered 202/)).toBeTruthy();
    expect(api.calls.find((call) => call.method === 'POST')?.body).toEqual({ event_type: 'video.completed' });

    answer = { status: 400, body: { error: { message: 'The test event could not be delivered: connect ECONNREFUSED.', type: 'invalid_request_error', param: null, code: 'webhook_test_failed' } } };
    await user.click(screen.getByRole('button', { name: 'Send test event' }));
    await waitFor(() => expect(screen.getByText(/Test failed: The test event could not be delivered/)).toBeTruthy());
  });
});
