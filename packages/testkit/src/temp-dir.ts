// A temporary directory (a test's STORAGE_DIR, say), removed with everything in it when the test is done.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDir {
  path: string;
  remove(): Promise<void>;
}

export async function createTempDir(label: string): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), `sora-${label.replace(/\W/g, '_')}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
