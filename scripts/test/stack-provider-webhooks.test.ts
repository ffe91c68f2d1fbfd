// `npm start` wires provider webhooks by default: the emulator signs its events and sends them to the API's
// receiver, the API checks them with the same secret, and the worker polls only as a safety net.
import { loadConfig } from '@sora-studio/shared';
import { describe, expect, it } from 'vitest';
import { loadEmulatorConfig } from '../../services/emulator/src/emulator.config.ts';
import { planStack, providerWebhooksWanted, serviceEnvironments } from '../stack/plan.ts';

const secret = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
const places = { adminApiKey: 'sk_admin_test_0123456789abcdef', emulatorApiKey: 'sk_emulator_test', storageDir: '/tmp/storage', providerWebhookSecret: secret };

describe('provider webhooks under npm start', () => {
  it('points the emulator at the API\'s receiver and gives both sides the secret', () => {
    const env = serviceEnvironments(planStack(loadConfig({ API_PORT: '3100' })), places);
    expect(env.emulator).toMatchObject({ EMULATOR_WEBHOOK_URL: 'http://127.0.0.1:3100/v1/provider/webhooks', EMULATOR_WEBHOOK_SECRET: secret });
    expect(env.api.PROVIDER_WEBHOOK_SECRET).toBe(secret);
    expect(env.worker.PROVIDER_WEBHOOKS).toBe('true');
    // What each service will parse from it.
    expect(loadEmulatorConfig(env.emulator).settings).toMatchObject({ webhookUrl: 'http://127.0.0.1:3100/v1/provider/webhooks', webhookSecret: secret });
    expect(loadConfig(env.api).PROVIDER_WEBHOOK_SECRET).toBe(secret);
    expect(loadConfig(env.worker).PROVIDER_WEBHOOKS).toBe(true);
    // The emulator's webhooks only report a video's end: the stack still polls often enough for live progress.
    expect(loadConfig(env.worker).PROVIDER_WEBHOOK_POLL_INTERVAL_MS).toBe(5_000);
  });

  it('wires nothing without a secret (PROVIDER_WEBHOOKS=false) or without the emulator', () => {
    expect(providerWebhooksWanted({ PROVIDER_WEBHOOKS: 'false' })).toBe(false);
    expect(providerWebhooksWanted({})).toBe(true);
    const off = serviceEnvironments(planStack(loadConfig({})), { ...places, providerWebhookSecret: undefined });
    expect(off.emulator.EMULATOR_WEBHOOK_URL).toBe(process.env.EMULATOR_WEBHOOK_URL);
    expect(off.worker.PROVIDER_WEBHOOKS).toBe(process.env.PROVIDER_WEBHOOKS);
    const realProvider = serviceEnvironments(planStack(loadConfig({ PROVIDER_NAME: 'openai', PROVIDER_BASE_URL: 'https://api.openai.com/v1' })), places);
    expect(realProvider.api.PROVIDER_WEBHOOK_SECRET).toBe(process.env.PROVIDER_WEBHOOK_SECRET);
  });
});
