// Where each part of the local stack listens and the environment each child gets. The emulator listens
// where PROVIDER_BASE_URL points, so the worker and the emulator can never disagree about the address.
import type { Config } from '@sora-studio/shared';
import { failure } from './terminal.ts';

export interface StackPlan {
  /** Where the stack itself reaches the API (a wildcard listen address is reached on loopback). */
  apiOrigin: string;
  /** What the banner shows people. */
  publicOrigin: string;
  providerBaseUrl: string;
  /** NODE_ENV is development: the stack opens the webhook SSRF guard to local receivers (see devWebhookEnvironment). */
  development: boolean;
  /** Absent when PROVIDER_NAME names a real provider: then there is nothing to emulate. */
  emulator?: { host: string; port: number; origin: string };
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', '[::1]', 'localhost']);

function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

export function planStack(config: Config): StackPlan {
  const apiHost = config.API_HOST;
  const reachHost = WILDCARD_HOSTS.has(apiHost) ? '127.0.0.1' : hostForUrl(apiHost);
  const showHost = WILDCARD_HOSTS.has(apiHost) || LOOPBACK_HOSTS.has(apiHost) ? 'localhost' : hostForUrl(apiHost);
  const plan: StackPlan = {
    apiOrigin: `http://${reachHost}:${config.API_PORT}`,
    publicOrigin: `http://${showHost}:${config.API_PORT}`,
    providerBaseUrl: config.PROVIDER_BASE_URL,
    development: config.NODE_ENV === 'development',
  };
  if (config.PROVIDER_NAME !== 'emulator') return plan;

  const provider = new URL(config.PROVIDER_BASE_URL);
  const port = Number(provider.port || (provider.protocol === 'https:' ? 443 : 80));
  const host = provider.hostname === 'localhost' ? '127.0.0.1' : provider.hostname.replace(/^\[|\]$/g, '');
  if (port === config.API_PORT) {
    throw failure(`PROVIDER_BASE_URL (${config.PROVIDER_BASE_URL}) points at the API's own port; the emulator needs another one`);
  }
  return { ...plan, emulator: { host, port, origin: provider.origin } };
}

export interface StackPlaces {
  adminApiKey: string;
  /** The key the emulator demands and the worker sends; absent without an emulator. */
  emulatorApiKey: string | undefined;
  /** The secret the emulator signs its webhooks with and the API checks them with; absent when they are off. */
  providerWebhookSecret?: string | undefined;
  /** Signs the local driver's /files URLs; kept in .data/ so the URLs handed out survive a restart. */
  storageSigningSecret?: string | undefined;
  storageDir: string;
}

/**
 * Each child's environment: the stack's own (the one place the stack passes process.env on, so every
 * variable in the README works under `npm start` too) plus what the stack decided.
 */
export function serviceEnvironments(plan: StackPlan, places: StackPlaces): Record<'emulator' | 'api' | 'worker', NodeJS.ProcessEnv> {
  const common = { ...process.env, PROVIDER_BASE_URL: plan.providerBaseUrl, STORAGE_DIR: places.storageDir };
  const providerKey = places.emulatorApiKey === undefined ? {} : { PROVIDER_API_KEY: places.emulatorApiKey };
  const webhooks = plan.development ? devWebhookEnvironment(process.env) : {};
  const provider = providerWebhookEnvironments(plan, places.providerWebhookSecret);
  const signing = places.storageSigningSecret === undefined ? {} : { STORAGE_SIGNING_SECRET: places.storageSigningSecret };
  return {
    emulator: {
      ...process.env,
      EMULATOR_HOST: plan.emulator?.host,
      EMULATOR_PORT: String(plan.emulator?.port),
      EMULATOR_API_KEY: places.emulatorApiKey,
      ...provider.emulator,
    },
    api: { ...common, ...webhooks, ...provider.api, ADMIN_API_KEY: places.adminApiKey, ...signing },
    worker: { ...common, ...webhooks, ...provider.worker, ...providerKey },
  };
}

/** Where the emulator sends its webhooks: the API's own receiver. */
export const PROVIDER_WEBHOOK_PATH = '/v1/provider/webhooks';

/** How often `npm start`'s workers poll a video the provider will also report by webhook (progress only polls learn). */
const STACK_PROGRESS_POLL_MS = 5_000;

/** `npm start` turns provider webhooks on unless PROVIDER_WEBHOOKS=false: without them, the emulator is only polled. */
export function providerWebhooksWanted(env: NodeJS.ProcessEnv): boolean {
  return env.PROVIDER_WEBHOOKS !== 'false';
}

/**
 * With the emulator and a secret: the emulator signs its events and sends them to the API, the API checks them,
 * and the worker polls only as a safety net (see README, provider webhooks). The provider's webhooks say when a
 * video ends, not how far it has got, so the stack's safety net is every 5 s: the Studio's progress bars move.
 */
function providerWebhookEnvironments(plan: StackPlan, secret: string | undefined): Record<'emulator' | 'api' | 'worker', Record<string, string>> {
  if (!plan.emulator || secret === undefined) return { emulator: {}, api: {}, worker: {} };
  return {
    emulator: { EMULATOR_WEBHOOK_URL: `${plan.apiOrigin}${PROVIDER_WEBHOOK_PATH}`, EMULATOR_WEBHOOK_SECRET: secret },
    api: { PROVIDER_WEBHOOK_SECRET: secret },
    worker: { PROVIDER_WEBHOOKS: 'true', PROVIDER_WEBHOOK_POLL_INTERVAL_MS: process.env.PROVIDER_WEBHOOK_POLL_INTERVAL_MS ?? String(STACK_PROGRESS_POLL_MS) },
  };
}

/** What a newcomer needs to point a webhook endpoint at a receiver on this machine (http, loopback). */
export const DEV_WEBHOOK_ENVIRONMENT = { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8,::1/128' } as const;

/**
 * The development values for the webhook SSRF guard, except those the user set: a value in the
 * environment (even `false`) wins. Production and test keep the guard's closed defaults.
 */
export function devWebhookEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(DEV_WEBHOOK_ENVIRONMENT).filter(([name]) => (env[name] ?? '') === ''));
}
