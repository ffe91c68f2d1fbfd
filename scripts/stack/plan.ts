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
  storageDir: string;
}

/**
 * Each child's environment: the stack's own (the one place the stack passes process.env on, so every
 * variable in the README works under `npm start` too) plus what the stack decided.
 */
export function serviceEnvironments(plan: StackPlan, places: StackPlaces): Record<'emulator' | 'api' | 'worker', NodeJS.ProcessEnv> {
  const common = { ...process.env, PROVIDER_BASE_URL: plan.providerBaseUrl, STORAGE_DIR: places.storageDir };
  const providerKey = places.emulatorApiKey === undefined ? {} : { PROVIDER_API_KEY: places.emulatorApiKey };
  return {
    emulator: {
      ...process.env,
      EMULATOR_HOST: plan.emulator?.host,
      EMULATOR_PORT: String(plan.emulator?.port),
      EMULATOR_API_KEY: places.emulatorApiKey,
    },
    api: { ...common, ADMIN_API_KEY: places.adminApiKey },
    worker: { ...common, ...providerKey },
  };
}
