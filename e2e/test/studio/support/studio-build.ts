// The Studio's build for a test file: built when missing or stale (ensureWebBuild, under its lock), then copied
// to a directory of the file's own, so a rebuild while the tests run (a developer's, another run's) cannot take
// files away from under the API serving them.
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir } from '@sora-studio/testkit';
import { ensureWebBuild } from '../../../../services/web/scripts/ensure-build.ts';

const COPY_ATTEMPTS = 5;

/** Every /assets/ file index.html names is there: a copy taken mid-rebuild is not. */
function isComplete(dir: string): boolean {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) return false;
  const assets = [...readFileSync(index, 'utf8').matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((match) => match[1]!);
  return assets.length > 0 && assets.every((asset) => existsSync(join(dir, asset)));
}

export async function studioBuildCopy(label: string): Promise<{ dir: string; remove(): Promise<void> }> {
  for (let attempt = 1; ; attempt++) {
    const distDir = await ensureWebBuild();
    const copy = await createTempDir(`${label}_web`);
    try {
      cpSync(distDir, copy.path, { recursive: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (isComplete(copy.path)) return { dir: copy.path, remove: copy.remove };
    await copy.remove();
    if (attempt === COPY_ATTEMPTS) throw new Error(`services/web/dist kept changing while it was copied (${COPY_ATTEMPTS} tries)`);
  }
}
