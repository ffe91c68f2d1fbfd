// Where the Studio's built files are: WEB_DIST_DIR, else services/web/dist of this checkout (the Docker
// image copies it to the same place beside the api package).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_WEB_DIST_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

export function webDistDirOf(config: { WEB_DIST_DIR?: string | undefined }): string {
  return resolve(config.WEB_DIST_DIR ?? DEFAULT_WEB_DIST_DIR);
}

/** A build is there when its index.html is, the file every visit starts with. */
export function hasWebBuild(distDir: string): boolean {
  return existsSync(join(distDir, 'index.html'));
}
