// `npm start`: from a fresh clone to a running stack in one command. Checks Postgres and Redis, creates
// and migrates the database, builds the Studio when its build is missing or stale, then runs the emulator,
// the API and the worker as child processes until Ctrl-C. The parts live in scripts/stack/; this file is the order they happen in.
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@sora-studio/shared';
import { API_NODE_FLAGS } from '../services/api/src/node-flags.ts';
import { ensureWebBuild } from '../services/web/scripts/ensure-build.ts';
import { renderBanner } from './stack/banner.ts';
import { describeDatabase, prepareDatabase } from './stack/database.ts';
import { ensureDevCredentials, STUDIO_ADMIN_USER } from './stack/dev-credentials.ts';
import { planStack, providerWebhooksWanted, serviceEnvironments } from './stack/plan.ts';
import { checkPortFree, checkPostgres, checkRedis } from './stack/preflight.ts';
import { describeExit, ServiceGroup } from './stack/processes.ts';
import { waitForHttp } from './stack/readiness.ts';
import { keepSecret } from './stack/secrets.ts';
import { exitOnFailure, failure, say } from './stack/terminal.ts';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
// SORA_DATA_DIR moves the stack's secrets (and, unless STORAGE_DIR says otherwise, its storage) elsewhere,
// e.g. so a test can run a whole stack without touching the checkout's own .data/.
const dataDir = resolve(root, process.env.SORA_DATA_DIR || '.data');
const files = {
  adminKey: join(dataDir, 'admin-api-key'),
  emulatorKey: join(dataDir, 'emulator-api-key'),
  providerWebhookSecret: join(dataDir, 'provider-webhook-secret'),
  storageSigningSecret: join(dataDir, 'storage-signing-secret'),
  devCredentials: join(dataDir, 'dev-credentials.json'),
  studioAdminCredentials: join(dataDir, 'admin-credentials.json'),
};
const READY_TIMEOUT_MS = 60_000;
const ORPHAN_CHECK_MS = 500;

/** Inside the checkout, relative to it (what people type); elsewhere the absolute path. */
function shown(path: string): string {
  const inside = relative(root, path);
  return inside.startsWith('..') || isAbsolute(inside) ? path : inside;
}

await exitOnFailure(async () => {
  const config = loadConfig();
  const plan = planStack(config);

  // Every check runs, so one start names every missing piece at once.
  const checks = await Promise.allSettled([
    checkPostgres(config.DATABASE_URL),
    checkRedis(config.REDIS_URL),
    checkPortFree(config.API_HOST, config.API_PORT, 'API_PORT'),
    ...(plan.emulator ? [checkPortFree(plan.emulator.host, plan.emulator.port, 'PROVIDER_BASE_URL')] : []),
  ]);
  const problems = checks.flatMap((check) => (check.status === 'rejected' ? [(check.reason as Error).message] : []));
  if (problems.length > 0) throw failure(problems.join('\n'));

  say(describeDatabase(await prepareDatabase(config.DATABASE_URL)));
  // The API serves the Studio from its build; WEB_DIST_DIR means someone else built it.
  if (config.WEB_DIST_DIR === undefined) await ensureWebBuild();
  else say(`the Studio from WEB_DIST_DIR (${shown(resolve(config.WEB_DIST_DIR))}), not rebuilt`);

  const adminKey = keepSecret(files.adminKey, config.ADMIN_API_KEY, 'sk_admin_');
  // A key given for either side is used for both, so the emulator and the worker always agree.
  const emulatorKey = plan.emulator
    ? keepSecret(files.emulatorKey, process.env.EMULATOR_API_KEY || process.env.PROVIDER_API_KEY, 'sk_emulator_')
    : undefined;
  // The emulator's webhooks to the API, signed with one secret both sides are given (either name sets it).
  const providerWebhookSecret = plan.emulator && providerWebhooksWanted(process.env)
    ? keepSecret(files.providerWebhookSecret, process.env.PROVIDER_WEBHOOK_SECRET || process.env.EMULATOR_WEBHOOK_SECRET, 'whsec_', 'base64')
    : undefined;
  // The API signs the local driver's /files URLs with it; a stable one keeps URLs handed out working across restarts.
  const storageSigningSecret = keepSecret(files.storageSigningSecret, config.STORAGE_SIGNING_SECRET);
  const env = serviceEnvironments(plan, {
    adminApiKey: adminKey.value,
    emulatorApiKey: emulatorKey?.value,
    providerWebhookSecret: providerWebhookSecret?.value,
    storageSigningSecret: storageSigningSecret.value,
    storageDir: process.env.STORAGE_DIR || join(dataDir, 'storage'),
  });

  const group = new ServiceGroup(root);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (!group.stopping.aborted) say(`${signal}: stopping…`);
      void group.stop({ kind: 'signal', signal });
    });
  }
  // Whatever started us (toolchain.mjs, a shell) died without a word, maybe by SIGKILL: we were re-parented.
  // Nobody is left to press Ctrl-C, so stop as if they had.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid === parent || group.stopping.aborted) return;
    say(`the process that started the stack (pid ${parent}) is gone; stopping…`);
    void group.stop({ kind: 'orphaned' });
  }, ORPHAN_CHECK_MS).unref();

  try {
    if (plan.emulator) {
      group.start({ name: 'emulator', entry: 'services/emulator/src/server.ts', env: env.emulator });
      // Any HTTP answer means it listens (a 401 included); the worker needs nothing more.
      await waitForHttp(`${plan.emulator.origin}/`, 'The emulator', { ready: () => true, timeoutMs: READY_TIMEOUT_MS, signal: group.stopping });
    }
    group.start({ name: 'api', entry: 'services/api/src/server.ts', env: env.api, nodeFlags: API_NODE_FLAGS });
    group.start({ name: 'worker', entry: 'services/worker/src/main.ts', env: env.worker });
    await waitForHttp(`${plan.apiOrigin}/ready`, 'The API', { timeoutMs: READY_TIMEOUT_MS, signal: group.stopping });

    const adminApi = { origin: plan.apiOrigin, adminKey: adminKey.value };
    const dev = await ensureDevCredentials(adminApi, files.devCredentials);
    if (dev.change) say(dev.change);
    // The admin key is no user and cannot sign in to the Studio; this admin user's key can, and reaches the Admin page.
    const studioAdmin = await ensureDevCredentials(adminApi, files.studioAdminCredentials, STUDIO_ADMIN_USER);
    if (studioAdmin.change) say(studioAdmin.change);
    console.log(renderBanner({
      plan,
      adminApiKey: adminKey.value,
      adminKeyFile: adminKey.source === 'env' ? undefined : shown(files.adminKey),
      dev: dev.credentials,
      devFile: shown(files.devCredentials),
      studioAdmin: studioAdmin.credentials,
      studioAdminFile: shown(files.studioAdminCredentials),
    }));
  } catch (error) {
    // A wait cut short by Ctrl-C or by a crashed child is not an error of its own; the stop reason tells.
    if (!group.stopping.aborted) {
      await group.stop({ kind: 'failure' });
      throw error;
    }
  }

  const reason = await group.stopped;
  if (reason.kind === 'crash') throw failure(describeExit(reason.exit));
  say('stopped');
});
// Nothing should be left, but a lingering keep-alive socket must not hold the terminal.
process.exit();
