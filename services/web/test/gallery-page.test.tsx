import { act, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { fakeApi, renderApp, type FakeRequest } from './support/render-app.tsx';
import { MODELS, videoListOf, videoOf } from './support/video-fixtures.ts';

function listCalls(calls: FakeRequest[]): URLSearchParams[] {
  return calls.filter((call) => call.method === 'GET' && call.url.pathname === '/v1/videos').map((call) => call.url.searchParams);
}

describe('gallery page', () => {
  it('shows each video\'s prompt, status and progress, a thumbnail once completed, and links to its page', async () => {
    const done = videoOf({ status: 'completed', progress: 100, prompt: 'A heron standing in a misty lake at dawn', completed_at: 1_780_000_100 });
    const rendering = videoOf({ status: 'in_progress', progress: 42, prompt: 'Fireworks over a harbour' });
    const failed = videoOf({ status: 'failed', prompt: 'A city made of glass', error: { code: 'moderation_blocked', message: 'The prompt was refused.' } });
    fakeApi({ 'GET /v1/models': MODELS, 'GET /v1/videos': videoListOf([rendering, done, failed]) });
    await renderApp('/gallery');
    expect(await screen.findByRole('heading', { name: 'Gallery' })).toBeTruthy();
    const cards = within(await screen.findByRole('list', { name: 'Videos' })).getAllByRole('listitem');
    expect(cards.map((card) => card.textContent)).toEqual([
      expect.stringContaining('Fireworks over a harbour'),
      expect.stringContaining('A heron standing'),
      expect.stringContaining('A city made of glass'),
    ]);
    const [first, second, third] = cards as [HTMLElement, HTMLElement, HTMLElement];
    expect(within(first).getByText('in_progress')).toBeTruthy();
    expect(within(first).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('42');
    expect(within(first).queryByRole('img')).toBeNull();
    expect(within(second).getByText('completed')).toBeTruthy();
    expect(second.querySelector('img')?.getAttribute('src')).toBe(`/v1/videos/${done.id}/content?variant=thumbnail`);
    expect(within(second).getByRole('link').getAttribute('href')).toBe(`/videos/${done.id}`);
    expect(within(third).getByText('failed')).toBeTruthy();
    expect(third.textContent).toContain('The prompt was refused.');
  });

  it('reads its filters from the URL and sends them to the list', async () => {
    const api = fakeApi({ 'GET /v1/models': MODELS, 'GET /v1/videos': videoListOf([]) });
    await renderApp('/gallery?status=failed&model=sora-2-pro&q=heron&from=2026-03-01&to=2026-03-31&junk=1');
    expect(await screen.findByText('No video matches these filters')).toBeTruthy();
    const query = listCalls(api.calls).at(-1);
    expect(query?.get('status')).toBe('failed');
    expect(query?.get('model')).toBe('sora-2-pro');
    expect(query?.get('q')).toBe('heron');
    expect(query?.get('created_after')).toBe(String(new Date(2026, 2, 1).getTime() / 1000));
    // `to` includes that whole day: the list ends before the next one starts.
    expect(query?.get('created_before')).toBe(String(new Date(2026, 3, 1).getTime() / 1000));
    expect(query?.has('junk')).toBe(false);
    expect((screen.getByLabelText('Search prompts') as HTMLInputElement).value).toBe('heron');
    expect((screen.getByLabelText('Status') as HTMLSelectElement).value).toBe('failed');
  });

  it('drops filter values the API would refuse', async () => {
    const api = fakeApi({ 'GET /v1/models': MODELS, 'GET /v1/videos': videoListOf([]) });
    await renderApp('/gallery?status=exploded&from=2026-02-30&to=yesterday');
    await screen.findByText('No videos yet');
    expect((screen.getByLabelText('Status') as HTMLSelectElement).value).toBe('');
    expect((screen.getByLabelText('From') as HTMLInputElement).value).toBe('');
    const query = listCalls(api.calls).at(-1);
    expect([...(query?.keys() ?? [])].sort()).toEqual(['limit', 'order']);
  });

  it('filters by status and model at once, and searches prompts once the typing pauses', async () => {
    const api = fakeApi({ 'GET /v1/models': MODELS, 'GET /v1/videos': videoListOf([videoOf()]) });
    const { router } = await renderApp('/gallery');
    await screen.findByRole('list', { name: 'Videos' });
    await userEvent.selectOptions(screen.getByLabelText('Status'), 'completed');
    await waitFor(() => expect(listCalls(api.calls).at(-1)?.get('status')).toBe('completed'));
    await screen.findByRole('option', { name: 'sora-2-pro' });
    await userEvent.selectOptions(screen.getByLabelText('Model'), 'sora-2-pro');
    await waitFor(() => expect(listCalls(api.calls).at(-1)?.get('model')).toBe('sora-2-pro'));

    const before = listCalls(api.calls).length;
    await userEvent.type(screen.getByLabelText('Search prompts'), 'misty lake');
    await waitFor(() => expect(listCalls(api.calls).at(-1)?.get('q')).toBe('misty lake'));
    // One query for the settled text, not one per keystroke.
    expect(listCalls(api.calls).length - before).toBe(1);
    expect(router.state.location.search).toEqual({ status: 'completed', model: 'sora-2-pro', q: 'misty lake' });

    await userEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(router.state.location.search).toEqual({}));
    expect((screen.getByLabelText('Search prompts') as HTMLInputElement).value).toBe('');
  });

  it('loads the next page on the cursor', async () => {
    const newer = [videoOf({ prompt: 'Page one, first' }), videoOf({ prompt: 'Page one, last' })];
    const older = [videoOf({ prompt: 'Page two, only' })];
    const api = fakeApi({
      'GET /v1/models': MODELS,
      'GET /v1/videos': (request) => ({ body: request.url.searchParams.get('after') === newer[1]?.id ? videoListOf(older) : videoListOf(newer, true) }),
    });
    await renderApp('/gallery');
    await screen.findByText('Page one, last');
    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByText('Page two, only')).toBeTruthy();
    expect(listCalls(api.calls).at(-1)?.get('after')).toBe(newer[1]?.id);
    expect(within(screen.getByRole('list', { name: 'Videos' })).getAllByRole('listitem')).toHaveLength(3);
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('says so when the videos cannot be loaded', async () => {
    fakeApi({ 'GET /v1/models': MODELS, 'GET /v1/videos': () => ({ status: 400, body: { error: { message: 'q must be at most 200 characters', type: 'invalid_request_error', param: 'q', code: null } } }) });
    await renderApp('/gallery');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The videos could not be loaded');
    expect(alert.textContent).toContain('q must be at most 200 characters');
  });
});

describe('gallery scrubbing', () => {
  /** An Image that "loads" at once with the emulator's sheet size for a 4 s portrait video (jsdom loads none). */
  class LoadedSheet {
    static sources: string[] = [];
    naturalWidth = 384;
    naturalHeight = 170;
    onload: (() => void) | null = null;
    set src(value: string) {
      LoadedSheet.sources.push(value);
      queueMicrotask(() => this.onload?.());
    }
  }

  it('steps through a finished video\'s spritesheet with the arrow keys once it has focus', async () => {
    vi.stubGlobal('Image', LoadedSheet);
    const done = videoOf({ status: 'completed', progress: 100, prompt: 'Scrub me', size: '720x1280', seconds: '4' });
    fakeApi({ 'GET /v1/models': MODELS, 'GET /v1/videos': videoListOf([done]) });
    await renderApp('/gallery');
    const link = within(await screen.findByRole('listitem')).getByRole('link');
    act(() => link.focus());
    await waitFor(() => expect(LoadedSheet.sources).toContain(`/v1/videos/${done.id}/content?variant=spritesheet`));
    await userEvent.keyboard('{ArrowRight}{ArrowRight}');
    expect(await within(link).findByText('2/4')).toBeTruthy();
    const frame = link.querySelector<HTMLElement>('[style*="background-position"]');
    expect(frame?.style.backgroundSize).toBe('400% 100%');
    expect(frame?.style.backgroundPosition).toBe('33.333% 0%');
    act(() => link.blur());
    expect(within(link).queryByText('2/4')).toBeNull();
  });
});
