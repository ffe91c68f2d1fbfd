// Single sign-on in the Studio, in Chromium: the sign-in page offers it when the API says OIDC is configured, the
// browser goes through a real OpenID provider's login and consent pages (authorization code + PKCE), and the
// callback's session cookie signs the user in. The registered callback names a host that is never resolved
// (`studio.test`), as behind a reverse proxy; the browser context plays that proxy and sends it to the API.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOW_TIMEOUT_MS, launchChromium, newStudioContext, UI_TIMEOUT_MS } from './support/browser.ts';
import { startOidcIssuer, type OidcIssuer } from './support/oidc-issuer.ts';
import { callApi } from './support/studio-api.ts';
import { startStudioStack, type StudioStack } from './support/studio-stack.ts';

const PUBLIC_ORIGIN = 'http://studio.test';
const REDIRECT_URL = `${PUBLIC_ORIGIN}/v1/sessions/oidc/callback`;

let issuer: OidcIssuer;
let stack: StudioStack;
let browser: Browser;
beforeAll(async () => {
  [issuer, browser] = await Promise.all([startOidcIssuer({ redirectUrl: REDIRECT_URL }), launchChromium()]);
  stack = await startStudioStack('e2e_studio_oidc', {
    env: { OIDC_ISSUER: issuer.url, OIDC_CLIENT_ID: issuer.clientId, OIDC_REDIRECT_URL: REDIRECT_URL, SIGN_IN_ATTEMPTS_PER_MINUTE: '1000' },
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await issuer?.close();
});

/** A context whose requests to the public host go to the API, and that never waits on the internet (the provider's page links a web font). */
async function ssoContext(): Promise<BrowserContext> {
  const context = await newStudioContext(browser, stack.origin);
  await context.route(`${PUBLIC_ORIGIN}/**`, (route) => {
    const target = new URL(route.request().url());
    return route.fulfill({ status: 302, headers: { location: `${stack.origin}${target.pathname}${target.search}` } });
  });
  await context.route(/^https:\/\//, (route) => route.abort());
  return context;
}

/** From the Studio's sign-in page through the provider's login (as `login`) and consent pages. */
async function signInAtIssuer(page: Page, login: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByRole('link', { name: 'Sign in with single sign-on' }).click();
  await page.waitForURL(`${issuer.url}/**`);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(`${stack.origin}/**`);
}

describe('single sign-on with OIDC', { timeout: FLOW_TIMEOUT_MS }, () => {
  it('signs in a user whose oidc_subject the provider vouches for, into the Studio with their name', async () => {
    const made = await callApi<{ id: string }>(stack, stack.admin.apiKey, 'POST', '/admin/users', { name: 'Olivia Oidc', oidc_subject: 'olivia-at-issuer' });
    expect(made.status).toBeLessThan(300);
    const context = await ssoContext();
    const page = await context.newPage();
    await signInAtIssuer(page, 'olivia-at-issuer');

    await page.waitForURL('**/create');
    await expect.poll(() => page.getByText('Olivia Oidc').count(), { timeout: UI_TIMEOUT_MS }).toBeGreaterThan(0);
    const session = await page.evaluate(async () => (await fetch('/v1/session')).json() as Promise<{ user: { id: string }; credential: { kind: string } }>);
    expect({ user: session.user.id, kind: session.credential.kind }).toEqual({ user: made.body.id, kind: 'oidc' });
    await context.close();
  });

  it('sends a subject the Studio does not know back to sign-in, saying so', async () => {
    const context = await ssoContext();
    const page = await context.newPage();
    await signInAtIssuer(page, 'a-stranger');
    await page.waitForURL('**/sign-in?sign_in_error=unknown_subject');
    await expect.poll(() => page.getByText('Your account is not set up in this Studio').count(), { timeout: UI_TIMEOUT_MS }).toBeGreaterThan(0);
    expect((await context.cookies()).some((cookie) => cookie.name === 'sora_session')).toBe(false);
    await context.close();
  });
});
