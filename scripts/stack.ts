// `npm start`: from a fresh clone to a running stack in one command. Checks Postgres and Redis, creates
// and migrates the database, then runs the emulator, the API and the worker as child processes until
// Ctrl-C. The parts live in scripts/stack/; this file is the order they happen in.
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@sora-studio/shared';
import { renderBanner } from './stack/banner.ts';
import { describeDatabase, prepareDatabase } from './stack/database.ts';
import { ensureDevCredentials } from './stack/dev-credentials.ts';
import { planStack, serviceEnvironments } from './stack/plan.ts';
import { checkPortFree, checkPostgres, checkRedis } from './stack/preflight.ts';
import { describeExit, ServiceGroup } from './stack/processes.ts';
import { waitForHttp } from './stack/readiness.ts';
import { keepSecret } from './stack/secrets.ts';
import { exitOnFailure, failure, say } from './stack/terminal.ts';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dataDir = join(root, '.data');
const files = {
  adminKey: join(dataDir, 'admin-api-key'),
  signingSecret: join(dataDir, 'storage-signing-secret'),
  devCredentials: join(dataDir, 'dev-credentials.json'),
};
const READY_TIMEOUT_MS = 60_000;

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

  const adminKey = keepSecret(files.adminKey, config.ADMIN_API_KEY, 'sk_admin_');
  const signingSecret = keepSecret(files.signingSecret, config.STORAGE_SIGNING_SECRET);
  const env = serviceEnvironments(plan, { adminApiKey: adminKey.value, storageSigningSecret: signingSecret.value });

  const group = new ServiceGroup(root);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (!group.stopping.aborted) say(`${signal}: stopping…`);
      void group.stop({ kind: 'signal', signal });
    });
  }

  try {
    if (plan.emulator) {
      group.start({ name: 'emulator', entry: 'services/emulator/src/server.ts', env: env.emulator });
      // Any HTTP answer means it listens; the worker needs nothing more.
      await waitForHttp(`${plan.emulator.origin}/`, 'The emulator', { ready: () => true, timeoutMs: READY_TIMEOUT_MS, signal: group.stopping });
    }
    group.start({ name: 'api', entry: 'services/api/src/server.ts', env: env.api });
    group.start({ name: 'worker', entry: 'services/worker/src/main.ts', env: env.worker });
    await waitForHttp(`${plan.apiOrigin}/ready`, 'The API', { timeoutMs: READY_TIMEOUT_MS, signal: group.stopping });

    const dev = await ensureDevCredentials({ origin: plan.apiOrigin, adminKey: adminKey.value }, files.devCredentials);
    if (dev.change) say(dev.change);
    console.log(renderBanner({
      plan,
      adminApiKey: adminKey.value,
      adminKeyFile: adminKey.source === 'env' ? undefined : relative(root, files.adminKey),
      dev: dev.credentials,
      devFile: relative(root, files.devCredentials),
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
