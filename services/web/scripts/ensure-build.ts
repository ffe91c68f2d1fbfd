// Builds the Studio when services/web/dist is missing or older than its sources, and returns the dist dir.
// `npm start` and the end-to-end tests call it; several processes may at once, so a build runs under a lock
// file (holding its pid, taken over when that process is gone): the others wait for it, then find dist
// current and do not build again.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(webDir, '..', '..');
export const WEB_DIST_DIR = join(webDir, 'dist');
/** What the build reads; a change to any of them makes dist stale. */
const SOURCES = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((name) => join(webDir, name));
const LOCK_FILE = join(tmpdir(), `sora-studio-web-build-${createHash('sha256').update(webDir).digest('hex').slice(0, 12)}.lock`);
const LOCK_POLL_MS = 200;
const LOCK_WAIT_MS = 10 * 60_000;

function newestMtimeMs(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtimeMs(join(path, name))), stat.mtimeMs);
}

/** Why dist must be (re)built, or null when it is current. index.html is what the API serves first. */
export function staleReason(): string | null {
  const index = join(WEB_DIST_DIR, 'index.html');
  if (!existsSync(index)) return 'services/web/dist is missing';
  const builtAt = statSync(index).mtimeMs;
  const newest = Math.max(...SOURCES.map(newestMtimeMs));
  return newest > builtAt ? 'services/web changed since the last build' : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock (true), or false when a live process holds it; a dead holder's lock is removed and retaken. */
function tryLock(): boolean {
  try {
    const fd = openSync(LOCK_FILE, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  let holder: number;
  try {
    holder = Number(readFileSync(LOCK_FILE, 'utf8'));
  } catch {
    return tryLock(); // released between our open and our read
  }
  // An empty file is a holder between its open and its write: alive, give it a moment.
  if (Number.isInteger(holder) && holder > 0 && !isAlive(holder)) {
    rmSync(LOCK_FILE, { force: true });
    return tryLock();
  }
  return false;
}

/** The toolchain's pnpm, run with this process's Node (24), so vite does not meet the machine's older one. */
function runBuild(): Promise<void> {
  const toolchainBin = join(repoRoot, '.toolchain', 'node_modules', '.bin');
  const pnpm = existsSync(join(toolchainBin, 'pnpm')) ? join(toolchainBin, 'pnpm') : 'pnpm';
  const PATH = [dirname(process.execPath), toolchainBin, process.env.PATH ?? ''].join(delimiter);
  return new Promise((resolve, reject) => {
    const child = spawn(pnpm, ['--filter', '@sora-studio/web', 'build'], { cwd: repoRoot, env: { ...process.env, PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`the Studio's build failed (exit ${code}):\n${Buffer.concat(output).toString().trim()}`));
    });
  });
}

export async function ensureWebBuild(): Promise<string> {
  // Taken even when dist looks current: a build under way has written index.html before it is done.
  const deadline = Date.now() + LOCK_WAIT_MS;
  while (!tryLock()) {
    if (Date.now() > deadline) throw new Error(`waited ${LOCK_WAIT_MS / 60_000} min for another Studio build (lock ${LOCK_FILE})`);
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
  try {
    const reason = staleReason();
    if (reason !== null) {
      process.stderr.write(`[studio] ${reason}: building the web app (pnpm --filter @sora-studio/web build)…\n`);
      await runBuild();
    }
  } finally {
    rmSync(LOCK_FILE, { force: true });
  }
  return WEB_DIST_DIR;
}
