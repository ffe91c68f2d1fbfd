// Debian's Chromium driven by playwright-core: no browser download, the same binary the CI installs with apt.
// One browser per test file (each file runs in a worker of its own), a fresh context per flow.
// The DOM library types the callbacks the tests run inside the page (page.evaluate, waitForFunction).
/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's package path (.ci/run installs it there); CHROMIUM_PATH points at another build of Chromium. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags that keep a headless Chromium quiet and offline but for the pages a test opens. */
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run',
  '--disable-component-update', '--disable-sync',
];

/** Waits on a loaded 2-core CI machine: a status change rides the pipeline's polls and the live stream. */
export const STATUS_TIMEOUT_MS = 30_000;
export const UI_TIMEOUT_MS = 15_000;
/** A browser flow: a stack under load, a few page loads and a render or two. */
export const FLOW_TIMEOUT_MS = 90_000;

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install it (apt-get install --no-install-recommends chromium) or set CHROMIUM_PATH`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface ContextOptions {
  width?: number;
  height?: number;
  colorScheme?: 'light' | 'dark';
}

export async function newStudioContext(browser: Browser, origin: string, options: ContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL: origin,
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    colorScheme: options.colorScheme ?? 'light',
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  return context;
}

/** Signs in on the sign-in page with an API key, as a person would, and lands on Create. */
export async function signInWithKey(page: Page, apiKey: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('API key').fill(apiKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/create');
  await page.getByRole('heading', { name: 'Create', level: 1 }).waitFor();
}

/** A page of its own in a fresh context, signed in with `apiKey`. */
export async function signedInPage(browser: Browser, origin: string, apiKey: string, options: ContextOptions = {}): Promise<Page> {
  const context = await newStudioContext(browser, origin, options);
  const page = await context.newPage();
  await signInWithKey(page, apiKey);
  return page;
}

/** Marks the document: the mark survives client-side navigation and live updates, and only a reload drops it. */
export const markDocument = (page: Page): Promise<void> => page.evaluate(() => {
  (window as unknown as { studioE2eMark: boolean }).studioE2eMark = true;
});
export const documentStillMarked = (page: Page): Promise<boolean> =>
  page.evaluate(() => (window as unknown as { studioE2eMark?: boolean }).studioE2eMark === true);
