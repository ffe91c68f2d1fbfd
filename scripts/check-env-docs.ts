// Keeps README's configuration table honest: every variable in ConfigSchema has a row, and every row
// (outside the emulator's own table) names a variable that exists. Run by `pnpm run lint:root`.
import { readFileSync } from 'node:fs';
import { ConfigSchema } from '@sora-studio/shared';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const documented = new Set([...readme.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((match) => match[1] ?? ''));
const configured = new Set(Object.keys(ConfigSchema.shape));

const undocumented = [...configured].filter((name) => !documented.has(name));
const stale = [...documented].filter((name) => !configured.has(name) && !name.startsWith('EMULATOR_'));

if (undocumented.length > 0) console.error(`README.md has no row for: ${undocumented.join(', ')}`);
if (stale.length > 0) console.error(`README.md documents variables ConfigSchema does not have: ${stale.join(', ')}`);
process.exitCode = undocumented.length + stale.length > 0 ? 1 : 0;
