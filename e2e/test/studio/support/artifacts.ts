// Where the browser tests put what they leave behind: screenshots (STUDIO_SCREENSHOTS_DIR, so a run can refresh
// docs/screenshots) and the accessibility report, under e2e/artifacts by default (git-ignored).
import { mkdir } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const ARTIFACTS_DIR = join(REPO_ROOT, 'e2e', 'artifacts');

/** A relative STUDIO_SCREENSHOTS_DIR is taken from the repository root, wherever vitest was started. */
export function screenshotsDir(): string {
  const configured = process.env.STUDIO_SCREENSHOTS_DIR;
  if (!configured) return join(ARTIFACTS_DIR, 'screenshots');
  return isAbsolute(configured) ? configured : resolve(REPO_ROOT, configured);
}

/** The viewport (not the full page) as `<name>.png`: the size a reader sees first, and small files. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const dir = screenshotsDir();
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  return path;
}
