// Who may see what in the Studio, in Chromium against the real stack: signing in with a key, the navigation a
// user and an admin get, and Admin refused to a user by the page and by the API.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOW_TIMEOUT_MS, launchChromium, newStudioContext, signedInPage, UI_TIMEOUT_MS } from './support/browser.ts';
import { startStudioStack, type StudioStack } from './support/studio-stack.ts';

let stack: StudioStack;
let browser: Browser;
beforeAll(async () => {
  [stack, browser] = await Promise.all([startStudioStack('e2e_studio_access'), launchChromium()]);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const MAIN_NAV = ['Create', 'Gallery', 'Usage', 'API keys'];

describe('signing in to the Studio', { timeout: FLOW_TIMEOUT_MS }, () => {
  it('signs in with an API key into a session cookie the page cannot read, and never keeps the key', async () => {
    const page = await signedInPage(browser, stack.origin, stack.user.apiKey);
    const cookies = await page.context().cookies();
    expect(cookies.find((cookie) => cookie.name === 'sora_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate(() => document.cookie)).not.toContain('sora_session');
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    expect(stored).not.toContain(stack.user.apiKey);
    await page.context().close();
  });

  it('refuses a wrong key on the sign-in page and stays there', async () => {
    const context = await newStudioContext(browser, stack.origin);
    const page = await context.newPage();
    await page.goto('/sign-in');
    await page.getByLabel('API key').fill('sk-not-a-key-we-issued');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByText('Could not sign in').count(), { timeout: UI_TIMEOUT_MS }).toBe(1);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await context.close();
  });

  it('sends a signed-out visitor of a page to sign-in', async () => {
    const context = await newStudioContext(browser, stack.origin);
    const page = await context.newPage();
    await page.goto('/gallery');
    await page.waitForURL('**/sign-in');
    expect(await page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    await context.close();
  });
});

describe('signing out', { timeout: FLOW_TIMEOUT_MS }, () => {
  it('ends the session on the server: the old cookie gets a 401 afterwards', async () => {
    const page = await signedInPage(browser, stack.origin, stack.user.apiKey);
    const session = (await page.context().cookies()).find((cookie) => cookie.name === 'sora_session')!;
    const withOldCookie = () => fetch(`${stack.origin}/v1/session`, { headers: { cookie: `sora_session=${session.value}` } }).then((answer) => answer.status);
    expect(await withOldCookie()).toBe(200);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/sign-in');
    expect(await withOldCookie()).toBe(401);
    await page.context().close();
  });
});

describe('Admin is for admins only', { timeout: FLOW_TIMEOUT_MS }, () => {
  it('gives an admin the main navigation and an Admin link', async () => {
    const page = await signedInPage(browser, stack.origin, stack.admin.apiKey);
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const name of [...MAIN_NAV, 'Admin']) expect(await nav.getByRole('link', { name, exact: true }).count(), name).toBe(1);
    await page.context().close();
  });

  it('gives a user no Admin link, "Admins only" at /admin, and a 403 from the admin API with the same session', async () => {
    const page = await signedInPage(browser, stack.origin, stack.user.apiKey);
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const name of MAIN_NAV) expect(await nav.getByRole('link', { name, exact: true }).count(), name).toBe(1);
    expect(await nav.getByRole('link', { name: 'Admin' }).count()).toBe(0);

    await page.goto('/admin');
    await expect.poll(() => page.getByText('Admins only').count(), { timeout: UI_TIMEOUT_MS }).toBeGreaterThan(0);
    // The browser's own session, not a key: the API itself refuses, whatever the page shows.
    const answer = await page.evaluate(async () => {
      const response = await fetch('/admin/users', { credentials: 'same-origin' });
      return response.status;
    });
    expect(answer).toBe(403);
    await page.context().close();
  });
});
