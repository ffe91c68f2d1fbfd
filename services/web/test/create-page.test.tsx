import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { setCsrfToken } from '../src/api/http.ts';
import { fakeApi, renderApp, type FakeRequest } from './support/render-app.tsx';
import { MODELS, quoteOf, videoListOf, videoOf } from './support/video-fixtures.ts';

type Body = { model: string; size: string; seconds: string; prompt: string };

const insufficientQuota = {
  status: 429,
  body: {
    error: {
      message: 'Insufficient quota in the monthly budget for all models: limit $1.00, spent $0.90, reserved $0.00, asked $0.40 ($0.10 left). Nothing was queued.',
      type: 'insufficient_quota', param: null, code: 'insufficient_quota',
    },
  },
};

function optionsOf(label: string): string[] {
  return within(screen.getByLabelText(label)).getAllByRole('option').map((option) => (option as HTMLOptionElement).value);
}

describe('create page', () => {
  afterEach(() => setCsrfToken(null));

  it('fills model, size and seconds from the catalogue, sizes following the chosen model', async () => {
    fakeApi({ 'GET /v1/models': MODELS, 'GET /v1/videos': videoListOf([]) });
    await renderApp('/create');
    expect(await screen.findByRole('heading', { name: 'Create' })).toBeTruthy();
    await screen.findByLabelText('Model');
    expect(optionsOf('Model')).toEqual(['sora-2', 'sora-2-pro']);
    expect((screen.getByLabelText('Model') as HTMLSelectElement).value).toBe('sora-2');
    expect(optionsOf('Size')).toEqual(['720x1280', '1280x720']);
    expect(optionsOf('Seconds')).toEqual(['4', '8', '12']);

    await userEvent.selectOptions(screen.getByLabelText('Size'), '1280x720');
    await userEvent.selectOptions(screen.getByLabelText('Model'), 'sora-2-pro');
    expect(optionsOf('Size')).toEqual(['720x1280', '1280x720', '1024x1792', '1792x1024']);
    // A size both models offer is kept across the switch.
    expect((screen.getByLabelText('Size') as HTMLSelectElement).value).toBe('1280x720');
  });

  it('quotes the form as it changes: the cost and the budget left after it', async () => {
    const api = fakeApi({
      'GET /v1/models': MODELS, 'GET /v1/videos': videoListOf([]),
      'POST /v1/videos/quote': (request) => ({ body: quoteOf(request.body as Body, { limitMicros: 10_000_000, spentMicros: 1_000_000 }) }),
    });
    await renderApp('/create');
    await userEvent.type(await screen.findByLabelText('Prompt'), 'A red kite over the sea');
    const quote = screen.getByRole('region', { name: 'Quote' });
    await waitFor(() => expect(quote.textContent).toContain('$0.40'));
    expect(quote.textContent).toContain('$8.60 left after this in the monthly budget for all models (limit $10.00)');

    await userEvent.selectOptions(screen.getByLabelText('Seconds'), '12');
    await waitFor(() => expect(quote.textContent).toContain('$1.20'));
    expect(quote.textContent).toContain('$7.80 left after this');
    const quotes = api.calls.filter((call) => call.method === 'POST' && call.url.pathname === '/v1/videos/quote');
    expect(quotes.at(-1)?.body).toEqual({ prompt: 'A red kite over the sea', model: 'sora-2', size: '720x1280', seconds: '12' });
    // Debounced: typing 23 characters did not send 23 quotes.
    expect(quotes.length).toBeLessThan(5);
  });

  it('makes one video of a double click, with one Idempotency-Key, and opens it', async () => {
    const created = videoOf({ prompt: 'A red kite over the sea' });
    const api = fakeApi({
      'GET /v1/models': MODELS, 'GET /v1/videos': videoListOf([]),
      'POST /v1/videos/quote': (request) => ({ body: quoteOf(request.body as Body) }),
      'POST /v1/videos': () => ({ status: 200, body: created }),
    });
    // As GET /v1/session would have set it (the render helper seeds the session without a fetch).
    setCsrfToken('csrf-test-token');
    const { router } = await renderApp('/create');
    await userEvent.type(await screen.findByLabelText('Prompt'), 'A red kite over the sea');
    await waitFor(() => expect(screen.getByRole('region', { name: 'Quote' }).textContent).toContain('$0.40'));
    await userEvent.dblClick(screen.getByRole('button', { name: 'Create video' }));

    await waitFor(() => expect(router.state.location.pathname).toBe(`/videos/${created.id}`));
    const posts = api.calls.filter((call) => call.method === 'POST' && call.url.pathname === '/v1/videos');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(posts[0]?.headers.get('X-CSRF-Token')).toBe('csrf-test-token');
    expect(posts[0]?.body).toEqual({ prompt: 'A red kite over the sea', model: 'sora-2', size: '720x1280', seconds: '4' });
  });

  it('retries a failed submit with the same key, and gives a changed form a new one', async () => {
    let answer: { status: number; body: unknown } = { status: 503, body: { error: { message: 'The provider is unavailable. Try again.', type: 'service_unavailable', param: null, code: null } } };
    const api = fakeApi({
      'GET /v1/models': MODELS, 'GET /v1/videos': videoListOf([]),
      'POST /v1/videos/quote': (request) => ({ body: quoteOf(request.body as Body) }),
      'POST /v1/videos': () => answer,
    });
    await renderApp('/create');
    await userEvent.type(await screen.findByLabelText('Prompt'), 'A lighthouse in a storm');
    const submit = screen.getByRole('button', { name: 'Create video' });
    await waitFor(() => expect((submit as HTMLButtonElement).disabled).toBe(false));
    await userEvent.click(submit);
    expect((await screen.findByRole('alert')).textContent).toContain('The provider is unavailable. Try again.');
    await userEvent.click(submit);
    await waitFor(() => expect(api.calls.filter((call) => call.method === 'POST' && call.url.pathname === '/v1/videos')).toHaveLength(2));

    answer = { status: 200, body: videoOf() };
    await userEvent.type(screen.getByLabelText('Prompt'), ' at night');
    await waitFor(() => expect((submit as HTMLButtonElement).disabled).toBe(false));
    await userEvent.click(submit);
    await waitFor(() => expect(api.calls.filter((call) => call.method === 'POST' && call.url.pathname === '/v1/videos')).toHaveLength(3));
    const keys = api.calls.filter((call: FakeRequest) => call.method === 'POST' && call.url.pathname === '/v1/videos').map((call) => call.headers.get('Idempotency-Key'));
    expect(keys[0]).toBe(keys[1]);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it('names the budget a quote would exceed and disables the submit with the reason', async () => {
    fakeApi({
      'GET /v1/models': MODELS, 'GET /v1/videos': videoListOf([]),
      'POST /v1/videos/quote': (request) => ({ body: quoteOf(request.body as Body, { limitMicros: 1_000_000, spentMicros: 900_000 }) }),
    });
    await renderApp('/create');
    await userEvent.type(await screen.findByLabelText('Prompt'), 'A glacier calving');
    const submit = screen.getByRole('button', { name: 'Create video' });
    await waitFor(() => expect(screen.getByRole('region', { name: 'Quote' }).textContent).toContain('Over the monthly budget for all models by $0.30 (limit $1.00)'));
    expect((submit as HTMLButtonElement).disabled).toBe(true);
    expect(submit.getAttribute('aria-describedby')).toBeTruthy();
    const reason = document.getElementById(submit.getAttribute('aria-describedby') ?? '');
    expect(reason?.textContent).toBe('This video ($0.40) is more than the monthly budget for all models has left: $0.10 of its $1.00 limit.');
  });

  it('shows the API\'s refusal of a create, with the limit it names', async () => {
    fakeApi({
      'GET /v1/models': MODELS, 'GET /v1/videos': videoListOf([]),
      // The quote allowed it; a video created elsewhere in between took the room.
      'POST /v1/videos/quote': (request) => ({ body: quoteOf(request.body as Body, { limitMicros: 1_000_000, spentMicros: 0 }) }),
      'POST /v1/videos': () => insufficientQuota,
    });
    const { router } = await renderApp('/create');
    await userEvent.type(await screen.findByLabelText('Prompt'), 'A glacier calving');
    const submit = screen.getByRole('button', { name: 'Create video' });
    await waitFor(() => expect((submit as HTMLButtonElement).disabled).toBe(false));
    await userEvent.click(submit);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The video was not created');
    expect(alert.textContent).toContain('limit $1.00');
    expect(router.state.location.pathname).toBe('/create');
  });

  it('sends a reference image as a form, and removes it', async () => {
    const api = fakeApi({
      'GET /v1/models': MODELS, 'GET /v1/videos': videoListOf([]),
      'POST /v1/videos/quote': () => ({ body: quoteOf({ model: 'sora-2', size: '720x1280', seconds: '4' }) }),
    });
    await renderApp('/create');
    await userEvent.type(await screen.findByLabelText('Prompt'), 'A paper boat');
    const image = new File([new Uint8Array([0xff, 0xd8, 0xff])], 'boat.jpg', { type: 'image/jpeg' });
    await userEvent.upload(screen.getByLabelText('Reference image'), image);
    await waitFor(() => {
      const last = api.calls.filter((call) => call.url.pathname === '/v1/videos/quote').at(-1);
      expect(last?.body).toBeInstanceOf(FormData);
      expect(((last?.body as FormData).get('input_reference') as File).name).toBe('boat.jpg');
      expect((last?.body as FormData).get('prompt')).toBe('A paper boat');
    });
    await userEvent.click(screen.getByRole('button', { name: 'Remove reference image boat.jpg' }));
    expect(screen.queryByText('boat.jpg')).toBeNull();
  });

  it('measures the reference image and points out when it is not the video\'s size', async () => {
    // jsdom has no object URLs and loads no images: give the preview a URL, then play its load with a pixel size.
    Object.defineProperty(URL, 'createObjectURL', { value: () => 'blob:boat', configurable: true });
    Object.defineProperty(URL, 'revokeObjectURL', { value: () => undefined, configurable: true });
    try {
      fakeApi({
        'GET /v1/models': MODELS, 'GET /v1/videos': videoListOf([]),
        'POST /v1/videos/quote': () => ({ body: quoteOf({ model: 'sora-2', size: '720x1280', seconds: '4' }) }),
      });
      await renderApp('/create');
      await userEvent.type(await screen.findByLabelText('Prompt'), 'A paper boat');
      await userEvent.upload(screen.getByLabelText('Reference image'), new File([new Uint8Array([0xff, 0xd8, 0xff])], 'boat.jpg', { type: 'image/jpeg' }));
      const loaded = (width: number, height: number) => {
        const preview = screen.getByAltText('Preview of boat.jpg');
        Object.defineProperty(preview, 'naturalWidth', { value: width, configurable: true });
        Object.defineProperty(preview, 'naturalHeight', { value: height, configurable: true });
        fireEvent.load(preview);
      };

      loaded(1280, 720);
      expect(await screen.findByText('1280×720 px')).toBeTruthy();
      expect(screen.getByText(/This image is 1280x720; the provider expects the video's size, 720x1280/)).toBeTruthy();
      await userEvent.selectOptions(screen.getByLabelText('Size'), '1280x720');
      expect(screen.queryByText(/the provider expects/)).toBeNull();
    } finally {
      Reflect.deleteProperty(URL, 'createObjectURL');
      Reflect.deleteProperty(URL, 'revokeObjectURL');
    }
  });

  it('says so when the models cannot be loaded', async () => {
    fakeApi({ 'GET /v1/videos': videoListOf([]), 'GET /v1/models': () => ({ status: 500, body: { error: { message: 'The catalogue is unavailable.', type: 'api_error', param: null, code: null } } }) });
    await renderApp('/create');
    expect((await screen.findByRole('alert', {}, { timeout: 5_000 })).textContent).toContain('The catalogue is unavailable.');
  });

  it('lists the latest videos under the form, newest first, with their status', async () => {
    const api = fakeApi({
      'GET /v1/models': MODELS,
      'GET /v1/videos': videoListOf([videoOf({ prompt: 'The newest one', status: 'in_progress', progress: 30 }), videoOf({ prompt: 'An older one', status: 'completed', progress: 100 })]),
    });
    await renderApp('/create');
    const recent = await screen.findByRole('region', { name: 'Recent videos' });
    await waitFor(() => expect(within(recent).getAllByRole('listitem')).toHaveLength(2));
    const [newest, older] = within(recent).getAllByRole('listitem') as [HTMLElement, HTMLElement];
    expect(newest.textContent).toContain('The newest one');
    expect(within(newest).getByText('in_progress')).toBeTruthy();
    expect(within(older).getByText('completed')).toBeTruthy();
    expect(api.calls.find((call) => call.url.pathname === '/v1/videos')?.url.searchParams.get('limit')).toBe('5');
  });
});
