// Control in the Studio, in Chromium against the real stack: a user cancels a queued video, sees the Gallery follow
// a video made elsewhere live, revokes an API key (the key then fails at the API), and an admin lowers a user's
// budget so that user's next create is refused.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentStillMarked, FLOW_TIMEOUT_MS, launchChromium, markDocument, signedInPage, STATUS_TIMEOUT_MS, UI_TIMEOUT_MS } from './support/browser.ts';
import { saveScreenshot } from './support/artifacts.ts';
import { callApi, createVideoByApi } from './support/studio-api.ts';
import { startStudioStack, type StudioStack } from './support/studio-stack.ts';

let stack: StudioStack;
let browser: Browser;
beforeAll(async () => {
  [stack, browser] = await Promise.all([startStudioStack('e2e_studio_control'), launchChromium()]);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('cancelling a video', { timeout: FLOW_TIMEOUT_MS }, () => {
  it('cancels a queued video from its page, and the page shows cancelled live', async () => {
    // A provider render cannot be stopped (OpenAI has no cancel), so the cancel that ends a video is of one still
    // queued: this user may have one video in flight, a stalled render holds that slot, and the next one waits.
    const carl = await stack.newUser({ name: 'Carl Cancel' });
    expect((await callApi(stack, stack.admin.apiKey, 'PATCH', `/admin/users/${carl.id}`, { max_in_flight: 1 })).status).toBe(200);
    const stalled = await createVideoByApi(stack, carl.apiKey, 'A slow pan over a desert [[emulator:stall]]');
    await stack.waitForStatus(stalled, 'in_progress', STATUS_TIMEOUT_MS);
    const waiting = await createVideoByApi(stack, carl.apiKey, 'Tumbleweeds rolling across an empty highway');

    const page = await signedInPage(browser, stack.origin, carl.apiKey);
    await page.goto(`/videos/${waiting}`);
    await expect.poll(() => page.getByText('queued', { exact: true }).count(), { timeout: UI_TIMEOUT_MS }).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Cancel video' }).click();
    await expect.poll(() => page.getByText('cancelled', { exact: true }).count(), { timeout: STATUS_TIMEOUT_MS }).toBeGreaterThan(0);
    expect(await page.getByRole('button', { name: 'Cancel video' }).count()).toBe(0);
    const cancelled = await stack.waitForStatus(waiting, 'cancelled', 1_000);
    expect(cancelled.providerVideoId).toBeNull();
    await page.context().close();
  });
});

describe('the Gallery, live', { timeout: FLOW_TIMEOUT_MS }, () => {
  it('shows a video made elsewhere (through the API) appear and complete, without a reload', async () => {
    const dana = await stack.newUser({ name: 'Dana Live' });
    const page = await signedInPage(browser, stack.origin, dana.apiKey);
    await page.getByRole('link', { name: 'Gallery', exact: true }).click();
    await page.getByRole('heading', { name: 'Gallery', level: 1 }).waitFor();
    await markDocument(page);

    const videoId = await createVideoByApi(stack, dana.apiKey, 'Fireflies over a meadow at dusk');
    const card = page.locator(`a[href$="/videos/${videoId}"]`);
    await expect.poll(() => card.getByText('Fireflies over a meadow at dusk').count(), { timeout: STATUS_TIMEOUT_MS }).toBe(1);
    await expect.poll(() => card.getByText('completed', { exact: true }).count(), { timeout: STATUS_TIMEOUT_MS }).toBe(1);
    expect(await documentStillMarked(page)).toBe(true);
    await page.context().close();
  });
});

describe('revoking an API key', { timeout: FLOW_TIMEOUT_MS }, () => {
  it('creates a key on API keys, shows it once, and after Revoke that key gets a 401', async () => {
    const page = await signedInPage(browser, stack.origin, stack.user.apiKey);
    await page.getByRole('link', { name: 'API keys', exact: true }).click();
    await page.getByLabel('Key name').fill('render farm');
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByRole('textbox', { name: 'New key "render farm"' });
    await expect.poll(() => shown.inputValue(), { timeout: UI_TIMEOUT_MS }).toMatch(/^sk[-_]\w/);
    const newKey = await shown.inputValue();
    expect((await callApi(stack, newKey, 'GET', '/v1/videos')).status).toBe(200);

    await page.getByRole('button', { name: 'Revoke render farm' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await expect.poll(() => page.getByRole('dialog').count(), { timeout: UI_TIMEOUT_MS }).toBe(0);
    const refused = await callApi<{ error: { code: string } }>(stack, newKey, 'GET', '/v1/videos');
    expect(refused.status).toBe(401);
    // The key the session was made with still works: only the revoked one stopped.
    expect((await callApi(stack, stack.user.apiKey, 'GET', '/v1/videos')).status).toBe(200);
    await page.context().close();
  });
});

describe('an admin lowering a budget', { timeout: FLOW_TIMEOUT_MS }, () => {
  it('saves a user\'s lower monthly budget on Admin, and that user\'s next create is refused with the limit shown', async () => {
    const bea = await stack.newUser({ name: 'Bea Budget' });
    const admin = await signedInPage(browser, stack.origin, stack.admin.apiKey);
    await admin.getByRole('link', { name: 'Admin', exact: true }).click();
    await admin.getByRole('button', { name: 'Bea Budget' }).click();
    const budgets = admin.getByRole('form', { name: 'Budgets of Bea Budget' });
    await budgets.getByLabel('Monthly budget (USD)').fill('0.01');
    await budgets.getByRole('button', { name: 'Save budgets' }).click();
    await expect.poll(() => admin.getByText('Budgets saved').count(), { timeout: UI_TIMEOUT_MS }).toBeGreaterThan(0);
    const saved = await callApi<{ data: { period: string; model: string | null; limit_micros: number }[] }>(
      stack, stack.admin.apiKey, 'GET', `/admin/users/${bea.id}/budgets`,
    );
    expect(saved.body.data.find((budget) => budget.period === 'month' && budget.model === null)?.limit_micros).toBe(10_000);
    await admin.context().close();

    const page = await signedInPage(browser, stack.origin, bea.apiKey);
    await page.getByLabel('Prompt').fill('A parade of elephants through a city at night');
    const create = page.getByRole('button', { name: 'Create video' });
    // The live quote refuses before the click: the button is disabled and the page says why, naming the limit.
    const quote = page.getByRole('region', { name: 'Quote' });
    await expect.poll(() => quote.getByText(/^Over .* \(limit \$0\.01\)$/).count(), { timeout: UI_TIMEOUT_MS }).toBe(1);
    expect(await create.isDisabled()).toBe(true);
    await saveScreenshot(page, 'create-over-budget');
    const refused = await callApi<{ error: { type: string } }>(stack, bea.apiKey, 'POST', '/v1/videos', { prompt: 'A parade of elephants through a city at night' });
    expect({ status: refused.status, type: refused.body.error.type }).toEqual({ status: 429, type: 'insufficient_quota' });
    await page.context().close();
  });
});
