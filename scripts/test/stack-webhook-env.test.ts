// `npm start` in development opens the webhook SSRF guard to receivers on this machine; nothing else does.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@sora-studio/shared';
import { DEV_WEBHOOK_ENVIRONMENT, devWebhookEnvironment, planStack, serviceEnvironments } from '../stack/plan.ts';

const places = { adminApiKey: 'sk_admin_test', emulatorApiKey: 'sk_emulator_test', storageDir: '/tmp/storage' };

describe('the webhook SSRF guard under npm start', () => {
  it('lets the API and the worker reach local http receivers in development', () => {
    const env = serviceEnvironments(planStack(loadConfig({ NODE_ENV: 'development' })), places);
    for (const service of [env.api, env.worker]) {
      expect(service.WEBHOOK_ALLOW_HTTP).toBe(process.env.WEBHOOK_ALLOW_HTTP || 'true');
      expect(service.WEBHOOK_ALLOWED_CIDRS).toBe(process.env.WEBHOOK_ALLOWED_CIDRS || '127.0.0.0/8,::1/128');
    }
    // What the services will parse: the guard's policy, open to loopback.
    expect(loadConfig({ ...DEV_WEBHOOK_ENVIRONMENT })).toMatchObject({ WEBHOOK_ALLOW_HTTP: true, WEBHOOK_ALLOWED_CIDRS: ['127.0.0.0/8', '::1/128'] });
  });

  it('keeps the closed defaults outside development', () => {
    for (const NODE_ENV of ['production', 'test']) {
      const env = serviceEnvironments(planStack(loadConfig({ NODE_ENV })), places);
      expect(env.api.WEBHOOK_ALLOW_HTTP).toBe(process.env.WEBHOOK_ALLOW_HTTP);
      expect(env.worker.WEBHOOK_ALLOWED_CIDRS).toBe(process.env.WEBHOOK_ALLOWED_CIDRS);
    }
  });

  it('never overrides what the user set, false included', () => {
    expect(devWebhookEnvironment({ WEBHOOK_ALLOW_HTTP: 'false' })).toEqual({ WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8,::1/128' });
    expect(devWebhookEnvironment({ WEBHOOK_ALLOWED_CIDRS: '10.1.0.0/16' })).toEqual({ WEBHOOK_ALLOW_HTTP: 'true' });
    expect(devWebhookEnvironment({ WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_CIDRS: '' })).toEqual({ WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8,::1/128' });
  });
});
