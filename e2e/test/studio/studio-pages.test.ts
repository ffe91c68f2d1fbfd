// Every Studio page in Chromium against the real stack, with something on it: axe-core at 1280 px and at 390 px
// (no serious or critical violation; all counts go to e2e/artifacts/axe-report.json), no sideways scrolling at
// 390 px, every signed-in page in the dark theme too, and a screenshot of each (STUDIO_SCREENSHOTS_DIR; docs/screenshots
// holds the ones the user guide shows).
import { startWebhookReceiver, waitFor, type WebhookReceiver } from '@sora-studio/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPage, auditSummary, documentScrollWidth, writeAxeReport, type AxeAudit } from './support/accessibility.ts';
import { saveScreenshot } from './support/artifacts.ts';
import { FLOW_TIMEOUT_MS, launchChromium, newStudioContext, signedInPage, STATUS_TIMEOUT_MS, UI_TIMEOUT_MS } from './support/browser.ts';
import { callApi, createVideoByApi } from './support/studio-api.ts';
import { startStudioStack, type StudioStack } from './support/studio-stack.ts';

const NARROW = 390;
const WIDE = { width: 1280, height: 800 };

let stack: StudioStack;
let browser: Browser;
let receiver: WebhookReceiver;
let page: Page;
let videoId: string;
/** A render that never ends, for the in-progress screenshots. */
let renderingId: string;
const audits: AxeAudit[] = [];

beforeAll(async () => {
  [stack, browser, receiver] = await Promise.all([
    startStudioStack('e2e_studio_pages', { renderMs: 1_500, env: { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8' } }),
    launchChromium(),
    startWebhookReceiver(),
  ]);
  // The admin's own videos, key and webhook fill the pages the screenshots show.
  const key = stack.admin.apiKey;
  const endpoint = await callApi(stack, key, 'POST', '/v1/webhook_endpoints', {
    name: 'Render notifications', url: receiver.url('/sora'), event_types: ['video.completed', 'video.failed'],
  });
  expect(endpoint.status).toBe(200);
  expect((await callApi(stack, key, 'POST', '/v1/api_keys', { name: 'CI pipeline' })).status).toBeLessThan(300);
  // A monthly budget gives Create's quote, Usage's limits and its forecast something to show.
  const budget = await callApi(stack, key, 'PATCH', `/admin/users/${stack.admin.id}/budgets`, { budgets: [{ period: 'month', limit_micros: 25_000_000 }] });
  expect(budget.status).toBe(200);
  videoId = await createVideoByApi(stack, key, 'Aurora borealis over a snowy pine forest, slow time-lapse');
  const others = await Promise.all([
    createVideoByApi(stack, key, 'A koi pond in the rain, seen from above'),
    createVideoByApi(stack, key, 'A paper boat drifting down a gutter after a storm'),
  ]);
  await Promise.all([videoId, ...others].map((id) => stack.waitForStatus(id, 'completed', STATUS_TIMEOUT_MS)));
  // One render that never ends, for a card with its progress; the directive sits past what a card shows of a prompt.
  renderingId = await createVideoByApi(stack, key, 'A lighthouse beam sweeping through thick coastal fog at night, waves breaking on the rocks [[emulator:stall]]');
  await stack.waitForStatus(renderingId, 'in_progress', STATUS_TIMEOUT_MS);
  // Users with names of their own for the Admin page.
  await Promise.all(['Mia Marketing', 'Leo Lab'].map((name) => stack.newUser({ name })));
  await waitFor(() => receiver.received.length >= 3, { timeoutMs: STATUS_TIMEOUT_MS, what: 'the webhook deliveries' });
  page = await signedInPage(browser, stack.origin, key, WIDE);
}, 90_000);

afterAll(async () => {
  if (audits.length > 0) {
    const path = await writeAxeReport(audits);
    process.stdout.write(`${[...audits.map(auditSummary), `axe report: ${path}`].join('\n')}\n`);
  }
  await browser?.close();
  await stack?.stop();
  await receiver?.close();
});

/** The page has its content: its heading, no loading state left, every image decoded. */
async function settled(target: Page, heading: string, content?: (target: Page) => Promise<unknown>): Promise<void> {
  await target.getByRole('heading', { name: heading, level: 1 }).waitFor();
  await expect.poll(() => target.locator('[role="status"]', { hasText: /^Loading/ }).count(), { timeout: UI_TIMEOUT_MS }).toBe(0);
  await content?.(target);
  await target.waitForFunction(() => [...document.images].every((image) => image.complete), undefined, { timeout: UI_TIMEOUT_MS });
  expect(await target.getByRole('alert').allTextContents()).toEqual([]);
}

/** axe at both widths, the 390 px overflow check, and the 1280 px screenshot; back at 1280 px at the end. */
async function checkPage(
  target: Page, name: string, heading: string, content?: (target: Page) => Promise<unknown>, options: { narrowScreenshot?: boolean } = {},
): Promise<void> {
  await settled(target, heading, content);
  await saveScreenshot(target, name);
  const wide = await auditPage(target, name);
  audits.push(wide);

  await target.setViewportSize({ width: NARROW, height: 844 });
  await settled(target, heading, content);
  const narrow = await auditPage(target, name);
  audits.push(narrow);
  const scrollWidth = await documentScrollWidth(target);
  if (options.narrowScreenshot) await saveScreenshot(target, `${name}-390px`);
  await target.setViewportSize(WIDE);

  expect({ wide: wide.blocking, narrow: narrow.blocking }).toEqual({ wide: [], narrow: [] });
  expect(scrollWidth, `${name} at ${NARROW} px`).toBeLessThanOrEqual(NARROW);
}

const goTo = async (target: Page, path: string) => { await target.goto(path); };

describe('every Studio page is accessible, fits 390 px, and has a screenshot', { timeout: FLOW_TIMEOUT_MS }, () => {
  it('the audit itself: finds the violations of a page made to have them', async () => {
    const context = await newStudioContext(browser, stack.origin, WIDE);
    const broken = await context.newPage();
    await broken.setContent('<!doctype html><html lang="en"><title>x</title><main><button></button><img src="data:,"></main></html>');
    const audit = await auditPage(broken, 'self-check');
    expect(audit.blocking.map((violation) => violation.rule).sort()).toEqual(['button-name', 'image-alt']);
    await context.close();
  });

  it('sign-in', async () => {
    const context = await newStudioContext(browser, stack.origin, WIDE);
    const signedOut = await context.newPage();
    await goTo(signedOut, '/sign-in');
    await checkPage(signedOut, 'sign-in', 'Sora Studio', (p) => p.getByRole('button', { name: 'Sign in' }).waitFor());
    await context.close();
  });

  it('Create', async () => {
    await goTo(page, '/create');
    await page.getByLabel('Prompt').fill('A hummingbird hovering at a red flower, slow motion');
    await checkPage(page, 'create', 'Create', (p) => p.getByRole('region', { name: 'Quote' }).getByText('Estimated cost').waitFor());
  });

  it('Gallery', async () => {
    await goTo(page, '/gallery');
    await checkPage(page, 'gallery', 'Gallery', (p) => p.getByText(/Aurora borealis/).first().waitFor(), { narrowScreenshot: true });
  });

  it('Video', async () => {
    await goTo(page, `/videos/${videoId}`);
    await checkPage(page, 'video', 'Aurora borealis over a snowy pine forest, slow time-lapse', async (p) => {
      await p.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 2, undefined, { timeout: UI_TIMEOUT_MS });
    });
    await goTo(page, `/videos/${renderingId}`);
    // The title is the start of the prompt.
    await checkPage(page, 'video-rendering', 'A lighthouse beam sweeping', (p) => p.getByText('in_progress', { exact: true }).first().waitFor());
  });

  it('Usage', async () => {
    await goTo(page, '/usage');
    await checkPage(page, 'usage', 'Usage');
  });

  it('Webhooks', async () => {
    await goTo(page, '/webhooks');
    await checkPage(page, 'webhooks', 'Webhooks', (p) => p.getByText('Render notifications').first().waitFor());
  });

  it('API keys', async () => {
    await goTo(page, '/api-keys');
    await checkPage(page, 'api-keys', 'API keys', (p) => p.getByText('CI pipeline').first().waitFor());
  });

  it('Admin', async () => {
    await goTo(page, '/admin');
    await checkPage(page, 'admin', 'Admin', (p) => p.getByRole('button', { name: 'Ada Admin' }).waitFor());
  });

  it('every signed-in page in the dark theme', async () => {
    const dark = await signedInPage(browser, stack.origin, stack.admin.apiKey, { ...WIDE, colorScheme: 'dark' });
    const pages: [path: string, name: string, heading: string, content?: (target: Page) => Promise<unknown>][] = [
      ['/create', 'create', 'Create'],
      ['/gallery', 'gallery', 'Gallery', (p) => p.getByText(/Aurora borealis/).first().waitFor()],
      [`/videos/${videoId}`, 'video', 'Aurora borealis over a snowy pine forest, slow time-lapse'],
      ['/usage', 'usage', 'Usage'],
      ['/webhooks', 'webhooks', 'Webhooks', (p) => p.getByText('Render notifications').first().waitFor()],
      ['/api-keys', 'api-keys', 'API keys', (p) => p.getByText('CI pipeline').first().waitFor()],
      ['/admin', 'admin', 'Admin', (p) => p.getByRole('button', { name: 'Ada Admin' }).waitFor()],
    ];
    const blocking: Record<string, unknown[]> = {};
    for (const [path, name, heading, content] of pages) {
      await goTo(dark, path);
      await settled(dark, heading, content);
      expect(await dark.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(true);
      if (name === 'gallery') await saveScreenshot(dark, 'gallery-dark');
      const audit = await auditPage(dark, name, 'dark');
      audits.push(audit);
      blocking[name] = audit.blocking;
    }
    expect(blocking).toEqual(Object.fromEntries(pages.map(([, name]) => [name, []])));
    await dark.context().close();
  });
});
