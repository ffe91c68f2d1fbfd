import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { FakeEventSource } from './support/fake-event-source.ts';
import { fakeApi, renderApp } from './support/render-app.tsx';
import { completedVideoOf as videoOf, timelineOf, VIDEO_ID } from './support/video-page-fixtures.ts';

const base = `/v1/videos/${VIDEO_ID}`;
const signedUrl = (variant: string) => ({ url: `/files/${variant}?expires=1&signature=abc`, expires_at: Math.floor(Date.now() / 1000) + 3600, variant });

function videoRoutes(video = videoOf(), more: Record<string, object> = {}) {
  return fakeApi({
    [`GET ${base}`]: video,
    [`GET ${base}/events`]: timelineOf([
      { type: 'video.created', to_status: 'queued' },
      { type: 'video.progress', from_status: 'queued', to_status: 'in_progress', progress: 40 },
      { type: 'video.completed', from_status: 'in_progress', to_status: 'completed', progress: 100, message: 'Settled at $0.75; $0.05 released.' },
    ]),
    [`GET ${base}/content_url`]: (request: { url: URL }) => ({ body: signedUrl(request.url.searchParams.get('variant') ?? 'video') }),
    ...more,
  });
}

describe('video page', () => {

  it('shows the status, the estimated and actual cost side by side, the player and the timeline', async () => {
    videoRoutes();
    await renderApp(`/videos/${VIDEO_ID}`);
    expect(await screen.findByRole('heading', { name: 'A heron lands on a misty lake at dawn' })).toBeTruthy();
    expect(screen.getByText('completed')).toBeTruthy();
    const cost = screen.getByRole('region', { name: 'Cost' });
    expect(within(cost).getByText('Estimated').nextElementSibling?.textContent).toBe('$0.80');
    expect(within(cost).getByText('Actual').nextElementSibling?.textContent).toBe('$0.75');
    expect(within(cost).getByText('$0.05 under the estimate.')).toBeTruthy();
    const player = await screen.findByLabelText(/^Video: A heron/);
    expect(player.getAttribute('src')).toBe('/files/video?expires=1&signature=abc');
    const events = within(await screen.findByRole('list', { name: 'Video events' })).getAllByRole('listitem');
    expect(events.map((item) => item.textContent)).toEqual([
      expect.stringContaining('Creatednew → queued'),
      expect.stringContaining('Progressqueued → in_progress40%'),
      expect.stringContaining('Settled at $0.75; $0.05 released.'),
    ]);
  });

  it('says the cost settles later and offers cancel while the video renders', async () => {
    const api = videoRoutes(videoOf({ status: 'in_progress', progress: 35, completed_at: null, cost: { estimated_micros: 800_000, actual_micros: null, currency: 'usd' } }), {
      [`POST ${base}/cancel`]: videoOf({ status: 'cancelled', progress: 35, completed_at: null, cost: { estimated_micros: 800_000, actual_micros: null, currency: 'usd' } }),
    });
    await renderApp(`/videos/${VIDEO_ID}`);
    expect(await screen.findByText('Settles when it ends')).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: 'Rendering progress' }).getAttribute('aria-valuenow')).toBe('35');
    expect(screen.queryByRole('button', { name: 'Remix' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Cancel video' }));
    await waitFor(() => expect(screen.getByText('cancelled')).toBeTruthy());
    const cancel = api.calls.find((call) => call.method === 'POST' && call.url.pathname === `${base}/cancel`);
    expect(cancel?.headers.get('X-CSRF-Token')).toBe('csrf-test-token');
    expect(screen.queryByRole('button', { name: 'Cancel video' })).toBeNull();
    expect(screen.getByText('Nothing charged')).toBeTruthy();
  });

  it('asks before deleting, sends nothing on Cancel, and deletes on Delete', async () => {
    const api = videoRoutes(videoOf(), {
      [`DELETE ${base}`]: { id: VIDEO_ID, object: 'video.deleted', deleted: true },
      'GET /v1/videos': { object: 'list', data: [], first_id: null, last_id: null, has_more: false },
    });
    const { router } = await renderApp(`/videos/${VIDEO_ID}`);
    await userEvent.click(await screen.findByRole('button', { name: 'Delete video' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete this video?' });
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.calls.some((call) => call.method === 'DELETE')).toBe(false);

    await userEvent.click(screen.getByRole('button', { name: 'Delete video' }));
    expect(screen.getByRole('dialog', { name: 'Delete this video?' })).toBeTruthy();
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();

    await userEvent.click(screen.getByRole('button', { name: 'Delete video' }));
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/gallery'));
    const deletion = api.calls.find((call) => call.method === 'DELETE');
    expect(deletion?.url.pathname).toBe(base);
    expect(deletion?.headers.get('X-CSRF-Token')).toBe('csrf-test-token');
  });

  it('remixes with an Idempotency-Key and opens the new video', async () => {
    const remixId = 'video_fedcba9876543210fedcba9876543210';
    const remixed = videoOf({ id: remixId, status: 'queued', progress: 0, prompt: 'The heron takes off', remixed_from_video_id: VIDEO_ID, cost: { estimated_micros: 800_000, actual_micros: null, currency: 'usd' } });
    const api = videoRoutes(videoOf(), {
      [`POST ${base}/remix`]: remixed,
      [`GET /v1/videos/${remixId}`]: remixed,
      [`GET /v1/videos/${remixId}/events`]: timelineOf([{ type: 'video.created', to_status: 'queued' }]),
    });
    const { router } = await renderApp(`/videos/${VIDEO_ID}`);
    await userEvent.type(await screen.findByLabelText('Remix prompt'), 'The heron takes off');
    await userEvent.click(screen.getByRole('button', { name: 'Remix' }));
    await waitFor(() => expect(router.state.location.pathname).toBe(`/videos/${remixId}`));
    const remix = api.calls.find((call) => call.method === 'POST' && call.url.pathname === `${base}/remix`);
    expect(remix?.body).toEqual({ prompt: 'The heron takes off' });
    expect(remix?.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(remix?.headers.get('X-CSRF-Token')).toBe('csrf-test-token');
    expect(await screen.findByRole('heading', { name: 'The heron takes off' })).toBeTruthy();
    expect(screen.getByRole('link', { name: VIDEO_ID }).getAttribute('href')).toBe(`/videos/${VIDEO_ID}`);
  });

  it('downloads a variant from a URL signed at the click', async () => {
    const clicked: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.getAttribute('href') ?? '');
    });
    const api = videoRoutes();
    await renderApp(`/videos/${VIDEO_ID}`);
    await userEvent.click(await screen.findByRole('button', { name: 'Download spritesheet' }));
    await waitFor(() => expect(clicked).toEqual(['/files/spritesheet?expires=1&signature=abc']));
    const signing = api.calls.filter((call) => call.url.pathname === `${base}/content_url`).at(-1);
    expect(Object.fromEntries(signing!.url.searchParams)).toEqual({ variant: 'spritesheet', download: 'true' });
    vi.restoreAllMocks();
  });

  it('signs a new URL when the player fails on an expired one, and shows any other failure without a retry loop', async () => {
    let signings = 0;
    videoRoutes(videoOf(), {
      [`GET ${base}/content_url`]: (request: { url: URL }) => {
        if (request.url.searchParams.get('variant') !== 'video') return { body: signedUrl('thumbnail') };
        signings += 1;
        const expiresAt = Math.floor(Date.now() / 1000) + (signings === 1 ? -5 : 3600);
        return { body: { url: `/files/video?signing=${signings}`, expires_at: expiresAt, variant: 'video' } };
      },
    });
    await renderApp(`/videos/${VIDEO_ID}`);
    fireEvent.error(await screen.findByLabelText(/^Video: A heron/));
    await waitFor(() => expect(screen.getByLabelText(/^Video: A heron/).getAttribute('src')).toBe('/files/video?signing=2'));
    fireEvent.error(screen.getByLabelText(/^Video: A heron/));
    expect(await screen.findByText('The video could not be played')).toBeTruthy();
    expect(signings).toBe(2);
  });

  it('explains that the files were purged by retention', async () => {
    videoRoutes(videoOf(), {
      [`GET ${base}/content_url`]: () => ({ status: 404, body: { error: { message: `The content of video '${VIDEO_ID}' has expired.`, type: 'invalid_request_error', param: 'video_id', code: 'video_expired' } } }),
    });
    await renderApp(`/videos/${VIDEO_ID}`);
    expect(await screen.findByText('This video\'s files have been removed.')).toBeTruthy();
    expect(screen.getByText('Estimated')).toBeTruthy();
  });

  it('follows the live stream: progress, a fresh timeline on each update, then the player when it completes', async () => {
    const stream = FakeEventSource.install();
    let current = videoOf({ status: 'in_progress', progress: 20, completed_at: null, cost: { estimated_micros: 800_000, actual_micros: null, currency: 'usd' } });
    const api = fakeApi({
      [`GET ${base}`]: () => ({ body: current }),
      [`GET ${base}/events`]: timelineOf([{ type: 'video.created', to_status: 'queued' }]),
      [`GET ${base}/content_url`]: (request) => ({ body: signedUrl(request.url.searchParams.get('variant') ?? 'video') }),
    });
    await renderApp(`/videos/${VIDEO_ID}`);
    await screen.findByRole('list', { name: 'Video events' });
    const timelineFetches = () => api.calls.filter((call) => call.url.pathname === `${base}/events`).length;
    expect(timelineFetches()).toBe(1);

    act(() => stream.latest().emit('video.updated', { id: VIDEO_ID, status: 'in_progress', progress: 60 }));
    await waitFor(() => expect(screen.getByRole('progressbar', { name: 'Rendering progress' }).getAttribute('aria-valuenow')).toBe('60'));
    await waitFor(() => expect(timelineFetches()).toBe(2));

    current = videoOf();
    act(() => stream.latest().emit('video.completed', { id: VIDEO_ID, status: 'completed', progress: 100 }));
    expect((await screen.findByLabelText(/^Video: A heron/)).getAttribute('src')).toBe('/files/video?expires=1&signature=abc');
    expect(screen.getByText('$0.75')).toBeTruthy();
  });

  it('says so when the video does not exist', async () => {
    fakeApi({});
    await renderApp(`/videos/${VIDEO_ID}`);
    expect(await screen.findByRole('heading', { name: 'Video not found' })).toBeTruthy();
  });

  it('treats a link with a malformed video id as a missing video', async () => {
    fakeApi({
      'GET /v1/videos/video_typo': () => ({
        status: 400,
        body: { error: { message: "Invalid value for 'video_id'.", type: 'invalid_request_error', param: 'video_id', code: 'invalid_value' } },
      }),
    });
    await renderApp('/videos/video_typo');
    expect(await screen.findByRole('heading', { name: 'Video not found' })).toBeTruthy();
  });
});
