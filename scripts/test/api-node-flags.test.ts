// The API's node flags (services/api/src/node-flags.ts) are imported where the API is spawned from TypeScript;
// the Dockerfile and services/api's `start` script cannot import them, so they must say the same.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { API_NODE_FLAGS } from '../../services/api/src/node-flags.ts';

const root = join(import.meta.dirname, '..', '..');

it('the Dockerfile\'s API CMD runs node with the API\'s flags', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const cmd = /^CMD (\[.*"services\/api\/src\/server\.ts"\])$/m.exec(dockerfile)?.[1];
  expect(cmd, 'a CMD that runs services/api/src/server.ts').toBeDefined();
  expect(JSON.parse(cmd!)).toEqual(['node', ...API_NODE_FLAGS, 'services/api/src/server.ts']);
});

it('services/api\'s start script runs node with the API\'s flags', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'services/api/package.json'), 'utf8')) as { scripts: Record<string, string> };
  expect(manifest.scripts.start).toBe(['node', ...API_NODE_FLAGS, 'src/server.ts'].join(' '));
});
