// A video's life in the Studio, in Chromium against the real stack: created from the form, watched to
// `completed` on the live stream without a reload, played, remixed, found in the Gallery, and paid for on Usage.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMicros } from '../../../services/web/src/format.ts';
import { documentStillMarked, FLOW_TIMEOUT_MS, launchChromium, markDocument, signedInPage, STATUS_TIMEOUT_MS, UI_TIMEOUT_MS } from './support/browser.ts';
import { callApi, createVideoByApi } from './support/studio-api.ts';
import { startStudioStack, type StudioStack } from './support/studio-stack.ts';

const FOX_PROMPT = 'A red fox crossing a frozen river at dawn, steam rising from the ice';
const REMIX_PROMPT = 'The same fox, now under a full moon';
const OTHER_PROMPT = 'A lighthouse in a storm, waves breaking over the rocks';

let stack: StudioStack;
let browser: Browser;
let page: Page;
/** Set by the first test, used by the rest: the video the story follows. */
let foxVideoId: string;

beforeAll(async () => {
  // Long enough a render that the page shows it unfinished first, short enough to keep the file quick.
  [stack, browser] = await Promise.all([startStudioStack('e2e_studio_videos', { renderMs: 4_000 }), launchChromium()]);
  page = await signedInPage(browser, stack.origin, stack.user.apiKey);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const VIDEO_PATH = /\/videos\/(video_[\w-]+)$/;
type Status = 'queued' | 'in_progress' | 'completed';

/** Whether the page shows `status` as text now: the status badge says the API's own word. */
const showsStatus = (target: Page, status: Status): Promise<boolean> =>
  target.getByText(status, { exact: true }).first().isVisible().catch(() => false);

/** The unfinished status the page shows, while it shows no `completed` yet. */
async function shownUnfinished(target: Page): Promise<Status | 'none'> {
  if (await showsStatus(target, 'completed')) return 'none';
  for (const status of ['queued', 'in_progress'] as const) if (await showsStatus(target, status)) return status;
  return 'none';
}

describe('a video in the Studio', { timeout: FLOW_TIMEOUT_MS }, () => {
  it('creates a video from the Create form and shows it reach completed live, without a reload', async () => {
    await page.getByRole('link', { name: 'Create', exact: true }).click();
    await markDocument(page);
    await page.getByLabel('Prompt').fill(FOX_PROMPT);
    await page.getByRole('button', { name: 'Create video' }).click();
    await page.waitForURL(VIDEO_PATH);
    foxVideoId = VIDEO_PATH.exec(new URL(page.url()).pathname)![1]!;

    await expect.poll(() => shownUnfinished(page), { timeout: UI_TIMEOUT_MS }).toMatch(/^(queued|in_progress)$/);
    await expect.poll(() => showsStatus(page, 'completed'), { timeout: STATUS_TIMEOUT_MS, interval: 250 }).toBe(true);
    expect(await documentStillMarked(page)).toBe(true);
    expect((await stack.waitForStatus(foxVideoId, 'completed', 1_000)).prompt).toBe(FOX_PROMPT);
  });

  it('plays the completed video in the page\'s player', async () => {
    const player = page.locator('video').first();
    await expect.poll(() => player.getAttribute('src'), { timeout: UI_TIMEOUT_MS }).toBeTruthy();
    await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 2, undefined, { timeout: UI_TIMEOUT_MS });
    const duration = await player.evaluate((video: HTMLVideoElement) => video.duration);
    expect(duration).toBeGreaterThan(0);
  });

  it('remixes the video into a new one that also completes', async () => {
    await page.getByLabel('Remix prompt').fill(REMIX_PROMPT);
    await page.getByRole('button', { name: 'Remix', exact: true }).click();
    await expect.poll(() => VIDEO_PATH.exec(new URL(page.url()).pathname)?.[1], { timeout: UI_TIMEOUT_MS }).not.toBe(foxVideoId);
    const remixId = VIDEO_PATH.exec(new URL(page.url()).pathname)![1]!;
    // The remix's own page: unfinished first (the original's `completed` is gone), then completed live.
    await expect.poll(() => shownUnfinished(page), { timeout: UI_TIMEOUT_MS }).toMatch(/^(queued|in_progress)$/);
    await expect.poll(() => showsStatus(page, 'completed'), { timeout: STATUS_TIMEOUT_MS, interval: 250 }).toBe(true);
    const remix = await stack.waitForStatus(remixId, 'completed', 1_000);
    expect({ prompt: remix.prompt, remixedFrom: remix.remixedFromVideoId }).toEqual({ prompt: REMIX_PROMPT, remixedFrom: foxVideoId });
    expect(await documentStillMarked(page)).toBe(true);
  });

  it('finds the video by a word of its prompt in the Gallery, and not the others', async () => {
    const otherId = await createVideoByApi(stack, stack.user.apiKey, OTHER_PROMPT);
    await stack.waitForStatus(otherId, 'completed', STATUS_TIMEOUT_MS);
    await page.getByRole('link', { name: 'Gallery', exact: true }).click();
    await expect.poll(() => page.getByText(/A lighthouse in a storm/).count(), { timeout: UI_TIMEOUT_MS }).toBeGreaterThan(0);

    await page.getByLabel('Search prompts').fill('frozen river');
    await expect.poll(() => page.getByText(/A lighthouse in a storm/).count(), { timeout: UI_TIMEOUT_MS }).toBe(0);
    const card = page.locator(`a[href$="/videos/${foxVideoId}"]`);
    await expect.poll(() => card.getByText(/A red fox crossing/).count(), { timeout: UI_TIMEOUT_MS }).toBeGreaterThan(0);
    expect(await card.getByText('completed', { exact: true }).count()).toBeGreaterThan(0);
    // The remix's prompt has no "frozen river": one card only.
    expect(await page.locator('a[href*="/videos/video_"]').count()).toBe(1);
    expect(new URL(page.url()).searchParams.get('q')).toBe('frozen river');
  });

  it('shows the settled cost of the videos on Usage, as the API reports it', async () => {
    const usage = await callApi<{ settled_micros: number; reserved_micros: number }>(stack, stack.user.apiKey, 'GET', '/v1/usage?period=month');
    expect(usage.body.reserved_micros).toBe(0);
    const fox = await callApi<{ cost: { actual_micros: number } }>(stack, stack.user.apiKey, 'GET', `/v1/videos/${foxVideoId}`);
    expect(fox.body.cost.actual_micros).toBeGreaterThan(0);
    expect(usage.body.settled_micros).toBeGreaterThanOrEqual(fox.body.cost.actual_micros);

    await page.getByRole('link', { name: 'Usage', exact: true }).click();
    await expect.poll(() => page.getByText(formatMicros(usage.body.settled_micros)).count(), { timeout: UI_TIMEOUT_MS }).toBeGreaterThan(0);
  });
});
