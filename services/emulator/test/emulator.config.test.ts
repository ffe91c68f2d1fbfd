import { ConfigError, DEFAULT_MODEL_CATALOG } from '@sora-studio/shared';
import { describe, expect, it } from 'vitest';
import { buildEmulator, loadEmulatorConfig } from '../src/index.ts';

describe('loadEmulatorConfig', () => {
  it('listens on 127.0.0.1:4010 and renders in 3 s by default, with the shared model catalogue', () => {
    expect(loadEmulatorConfig({})).toEqual({
      host: '127.0.0.1',
      port: 4010,
      logLevel: 'info',
      settings: {
        renderMs: 3000, latencyMs: 0, fault: '', apiKey: undefined, catalog: DEFAULT_MODEL_CATALOG, maxVideos: 10_000, assetTtlSeconds: 3600,
      },
    });
  });

  it('reads every EMULATOR_ variable, treating empty ones as unset', () => {
    const catalog = { defaultModel: 'm', models: { m: { pricePerSecondMicros: { '640x480': 1 }, seconds: ['2'], defaultSize: '640x480', defaultSeconds: '2' } } };
    const config = loadEmulatorConfig({
      EMULATOR_HOST: '0.0.0.0', EMULATOR_PORT: '0', EMULATOR_API_KEY: 'sk-x', EMULATOR_RENDER_MS: '250', EMULATOR_LATENCY_MS: '',
      EMULATOR_FAULT: 'stall; latency=5', EMULATOR_MAX_VIDEOS: '7', EMULATOR_ASSET_TTL_SECONDS: '60',
      EMULATOR_MODEL_CATALOG: JSON.stringify(catalog), LOG_LEVEL: 'silent',
    });
    expect(config).toEqual({
      host: '0.0.0.0',
      port: 0,
      logLevel: 'silent',
      settings: { renderMs: 250, latencyMs: 0, fault: 'stall; latency=5', apiKey: 'sk-x', catalog, maxVideos: 7, assetTtlSeconds: 60 },
    });
  });

  it.each([
    ['EMULATOR_RENDER_MS', 'soon'],
    ['EMULATOR_PORT', '70000'],
    ['EMULATOR_FAULT', 'fail=always'],
    ['EMULATOR_MODEL_CATALOG', '{not json'],
    ['EMULATOR_MAX_VIDEOS', '0'],
    ['EMULATOR_WEBHOOK_URL', 'not a url'],
    ['EMULATOR_WEBHOOK_SECRET', 'plain-secret'],
  ])('refuses a bad %s, naming it', (name, value) => {
    expect(() => loadEmulatorConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadEmulatorConfig({ [name]: value })).toThrow(name);
  });
});

describe('the webhook variables', () => {
  const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

  it('reads EMULATOR_WEBHOOK_URL and EMULATOR_WEBHOOK_SECRET together', () => {
    const config = loadEmulatorConfig({ EMULATOR_WEBHOOK_URL: 'http://127.0.0.1:3000/v1/provider/webhooks', EMULATOR_WEBHOOK_SECRET: secret });
    expect(config.settings).toMatchObject({ webhookUrl: 'http://127.0.0.1:3000/v1/provider/webhooks', webhookSecret: secret });
  });

  it('refuses one without the other, naming the missing one', () => {
    expect(() => loadEmulatorConfig({ EMULATOR_WEBHOOK_URL: 'http://127.0.0.1:3000/hooks' })).toThrow(/EMULATOR_WEBHOOK_SECRET/);
    expect(() => loadEmulatorConfig({ EMULATOR_WEBHOOK_SECRET: secret })).toThrow(/EMULATOR_WEBHOOK_SECRET/);
    expect(() => buildEmulator({ webhookUrl: 'http://127.0.0.1:3000/hooks' })).toThrow(/webhookSecret/);
  });
});

describe('buildEmulator options', () => {
  it('refuses options it does not know or cannot use', () => {
    expect(() => buildEmulator({ renderMs: -1 })).toThrow(ConfigError);
    expect(() => buildEmulator({ fault: 'explode' })).toThrow(/explode/);
    expect(() => buildEmulator({ renderMS: 5 } as never)).toThrow(/renderMS/);
  });
});
