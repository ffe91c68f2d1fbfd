#!/usr/bin/env node
// Runs a command with the project's toolchain: Node 24 and pnpm 10, installed from the npm registry
// into .toolchain/ when the machine's own are older or absent, and dependencies from the lockfile.
// It must run on any Node >= 18 with no dependencies, because it is what makes the rest possible.
//
//   node scripts/toolchain.mjs <command> [args...]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const toolchainDir = join(root, '.toolchain');
const toolchainBin = join(toolchainDir, 'node_modules', '.bin');

const wantedNodeMajor = Number(readFileSync(join(root, '.nvmrc'), 'utf8').trim().split('.')[0]);
const wantedPnpm = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
const wantedPnpmMajor = Number(wantedPnpm.split('.')[0]);

function say(line) {
  process.stderr.write(`[toolchain] ${line}\n`);
}

function run(cmd, args, env = process.env) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function versionOf(cmd, env) {
  const result = spawnSync(cmd, ['--version'], { encoding: 'utf8', env });
  if (result.status !== 0 || !result.stdout) return null;
  return result.stdout.trim().replace(/^v/, '');
}

function major(version) {
  return version ? Number(version.split('.')[0]) : 0;
}

/** The PATH to use: the machine's own tools when they are recent enough, else .toolchain/'s. */
function ensureTools() {
  const systemNodeOk = major(process.versions.node) >= wantedNodeMajor;
  const systemPnpmOk = major(versionOf('pnpm', process.env)) === wantedPnpmMajor;
  if (systemNodeOk && systemPnpmOk) return process.env.PATH ?? '';

  const path = `${toolchainBin}${delimiter}${process.env.PATH ?? ''}`;
  const env = { ...process.env, PATH: path };
  const localNodeOk = major(versionOf(join(toolchainBin, 'node'), env)) >= wantedNodeMajor;
  const localPnpmOk = major(versionOf(join(toolchainBin, 'pnpm'), env)) === wantedPnpmMajor;
  if (!localNodeOk || !localPnpmOk) {
    say(`installing node@${wantedNodeMajor} and pnpm@${wantedPnpm} into .toolchain/ (machine has node ${process.versions.node})`);
    const status = run('npm', [
      'install', '--prefix', toolchainDir, '--no-save', '--no-audit', '--no-fund', '--loglevel=error',
      `node@${wantedNodeMajor}`, `pnpm@${wantedPnpm}`,
    ]);
    if (status !== 0) {
      say('could not install the toolchain from the npm registry; install Node 24 and pnpm 10 yourself and retry');
      process.exit(status);
    }
  }
  return path;
}

/** Installs dependencies from the lockfile when node_modules is missing or older than the lockfile. */
function ensureDependencies(env) {
  const marker = join(root, 'node_modules', '.modules.yaml');
  const lockfile = join(root, 'pnpm-lock.yaml');
  const fresh = existsSync(marker) && statSync(marker).mtimeMs >= statSync(lockfile).mtimeMs;
  if (fresh) return;
  say('installing dependencies from pnpm-lock.yaml');
  const status = run('pnpm', ['install', '--frozen-lockfile', '--reporter=append-only'], env);
  if (status !== 0) process.exit(status);
}

const [command, ...args] = process.argv.slice(2);
if (!command) {
  say('usage: node scripts/toolchain.mjs <command> [args...]');
  process.exit(2);
}
const env = { ...process.env, PATH: ensureTools() };
ensureDependencies(env);
// The child shares the terminal, so Ctrl-C reaches it directly. A signal sent to this process alone (kill,
// npm passing SIGTERM on, a service manager) is forwarded, so the child always hears it and can stop cleanly;
// the child may hear Ctrl-C twice, which our commands treat as once.
const child = spawn(command, args, { cwd: root, stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
// `npm start` runs us under `sh -c`; a SIGTERM sent to npm alone kills that shell and orphans us without a
// signal. Being re-parented is the sign: pass SIGTERM on, so the stack still stops its services.
const parent = process.ppid;
const orphanWatch = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(orphanWatch);
  child.kill('SIGTERM');
}, 500);
orphanWatch.unref();
child.on('error', (error) => {
  say(`could not run ${command}: ${error.message}`);
  process.exit(127);
});
child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
