import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { VideoObject } from '../src/api/types.ts';
import { FakeEventSource } from './support/fake-event-source.ts';
import { fakeApi, renderApp, type FakeRequest } from './support/render-app.tsx';
import { MODELS, videoListOf, videoOf } from './support/video-fixtures.ts';

/** What GET /v1/events sends as `data:`: the video's projection as of the event. */
function streamed(video: VideoObject, change: Pick<VideoObject, 'status' | 'progress'>) {
  return { id: video.id, object: 'video', model: video.model, status: change.status, progress: change.progress, created_at: video.created_at, completed_at: null, error: null };
}

function cardOf(prompt: string): HTMLElement {
  const card = within(screen.getByRole('list', { name: 'Videos' })).getAllByRole('listitem').find((item) => item.textContent?.includes(prompt));
  if (!card) throw new Error(`no card shows "${prompt}"`);
  return card;
}

function listFetches(calls: FakeRequest[]): number {
  return calls.filter((call) => call.method === 'GET' && call.url.pathname === '/v1/videos').length;
}

/** The gallery over a server whose video list is `videos` as it is at each request. */
async function galleryWith(videos: VideoObject[]) {
  const stream = FakeEventSource.install();
  const api = fakeApi({ 'GET /v1/models': MODELS, 'GET /v1/videos': () => ({ body: videoListOf(videos) }) });
  await renderApp('/gallery');
  await screen.findByRole('list', { name: 'Videos' });
  const source = stream.latest();
  act(() => source.open());
  const send = (type: string, data: unknown) => act(() => source.emit(type, data));
  return { api, source, send };
}

describe('live gallery', () => {
  it('opens one stream of the session\'s events, with its cookie', async () => {
    const { source } = await galleryWith([videoOf()]);
    expect(source.url).toBe('/v1/events');
    expect(source.withCredentials).toBe(true);
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('changes a card\'s status and progress when the video is updated, without fetching the list again', async () => {
    const video = videoOf({ prompt: 'A heron in the reeds', status: 'queued' });
    const { api, send } = await galleryWith([video]);
    expect(within(cardOf('A heron in the reeds')).getByText('queued')).toBeTruthy();
    const fetched = listFetches(api.calls);

    send('video.updated', streamed(video, { status: 'in_progress', progress: 40 }));
    await waitFor(() => expect(within(cardOf('A heron in the reeds')).getByText('in_progress')).toBeTruthy());
    const card = cardOf('A heron in the reeds');
    expect(within(card).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('40');
    expect(listFetches(api.calls)).toBe(fetched);
  });

  it('fetches the list again when a video is created, and shows the new one first', async () => {
    const older = videoOf({ prompt: 'An older video', status: 'completed', progress: 100 });
    const videos = [older];
    const { api, send } = await galleryWith(videos);
    const fetched = listFetches(api.calls);

    const created = videoOf({ prompt: 'A brand new video' });
    videos.unshift(created);
    send('video.created', streamed(created, { status: 'queued', progress: 0 }));
    await waitFor(() => expect(listFetches(api.calls)).toBeGreaterThan(fetched));
    await waitFor(() => {
      const cards = within(screen.getByRole('list', { name: 'Videos' })).getAllByRole('listitem');
      expect(cards[0]?.textContent).toContain('A brand new video');
    });
    expect(within(cardOf('A brand new video')).getByText('queued')).toBeTruthy();
  });

  it('shows a completion at once and keeps it when an older update arrives late', async () => {
    const video = videoOf({ prompt: 'A slow sunset', status: 'in_progress', progress: 80 });
    const videos = [video];
    const { send } = await galleryWith(videos);

    videos[0] = { ...video, status: 'completed', progress: 100, completed_at: 1_780_000_200 };
    send('video.completed', { ...streamed(video, { status: 'completed', progress: 100 }), completed_at: 1_780_000_200 });
    await waitFor(() => expect(within(cardOf('A slow sunset')).getByText('completed')).toBeTruthy());
    send('video.updated', streamed(video, { status: 'in_progress', progress: 90 }));
    // Given the chance to render, the late update still has not taken the card back.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(within(cardOf('A slow sunset')).getByText('completed')).toBeTruthy();
    await waitFor(() => expect(cardOf('A slow sunset').querySelector('img')?.getAttribute('src')).toContain('variant=thumbnail'));
  });

  it('removes a deleted video\'s card', async () => {
    const kept = videoOf({ prompt: 'Keep me', status: 'completed', progress: 100 });
    const gone = videoOf({ prompt: 'Delete me', status: 'completed', progress: 100 });
    const videos = [gone, kept];
    const { send } = await galleryWith(videos);
    videos.shift();
    send('video.deleted', streamed(gone, { status: 'completed', progress: 100 }));
    await waitFor(() => expect(screen.queryByText('Delete me')).toBeNull());
    expect(cardOf('Keep me')).toBeTruthy();
  });

  it('fetches again the videos a reconnect\'s snapshot no longer lists as unfinished', async () => {
    const rendering = videoOf({ prompt: 'Rendering while offline', status: 'in_progress', progress: 10 });
    const videos = [rendering];
    const { api, source, send } = await galleryWith(videos);
    send('snapshot', { object: 'list', data: [streamed(rendering, { status: 'in_progress', progress: 20 })] });
    await waitFor(() => expect(within(cardOf('Rendering while offline')).getByText('20%')).toBeTruthy());
    const fetched = listFetches(api.calls);

    // The stream drops; while it is down the video completes; the next stream's snapshot leaves it out.
    act(() => source.fail());
    videos[0] = { ...rendering, status: 'completed', progress: 100, completed_at: 1_780_000_300 };
    act(() => source.open());
    send('snapshot', { object: 'list', data: [] });
    await waitFor(() => expect(listFetches(api.calls)).toBeGreaterThan(fetched));
    await waitFor(() => expect(within(cardOf('Rendering while offline')).getByText('completed')).toBeTruthy());
  });

  it('ignores a message it cannot read and keeps the stream', async () => {
    const video = videoOf({ prompt: 'Robust', status: 'queued' });
    const { source, send } = await galleryWith([video]);
    act(() => source.dispatchEvent(new MessageEvent('video.updated', { data: 'not json' })));
    send('video.updated', { id: video.id });
    send('video.updated', streamed(video, { status: 'in_progress', progress: 5 }));
    await waitFor(() => expect(within(cardOf('Robust')).getByText('in_progress')).toBeTruthy());
  });

  it('opens a new stream when the browser gives up on one (an answer that was not a stream)', async () => {
    const { source } = await galleryWith([videoOf()]);
    act(() => source.fail(true));
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(2), { timeout: 5_000 });
    expect(source.readyState).toBe(FakeEventSource.CLOSED);
    expect(FakeEventSource.instances[1]?.url).toBe('/v1/events');
  });
});
