// `npm start` keeps one STORAGE_SIGNING_SECRET in .data/, so the local driver's signed /files URLs handed out
// before a restart still verify after it; a secret given in the environment wins.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@sora-studio/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { planStack, serviceEnvironments } from '../stack/plan.ts';
import { keepSecret } from '../stack/secrets.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'stack-signing-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const places = { adminApiKey: 'sk_admin_test_0123456789abcdef', emulatorApiKey: 'sk_emulator_test', storageDir: '/tmp/storage' };

describe('the storage signing secret under npm start', () => {
  it('is generated once into a private file, reused on the next start, and given to the API', () => {
    const file = join(dataDir, 'storage-signing-secret');
    const first = keepSecret(file, undefined);
    const second = keepSecret(file, undefined);
    expect(first.source).toBe('generated');
    expect(second).toEqual({ value: first.value, source: 'file' });
    expect(readFileSync(file, 'utf8').trim()).toBe(first.value);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const env = serviceEnvironments(planStack(loadConfig({})), { ...places, storageSigningSecret: first.value });
    expect(loadConfig(env.api).STORAGE_SIGNING_SECRET).toBe(first.value);
  });

  it('takes the one in the environment instead', () => {
    expect(keepSecret(join(dataDir, 'unused'), 'given-secret-0123456789')).toEqual({ value: 'given-secret-0123456789', source: 'env' });
  });
});
