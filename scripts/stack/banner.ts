// The few lines printed once the stack is up: where everything is and a request to copy. Keys appear only
// as prefixes next to the file that holds them; the request reads the dev key from its file.
import { isAbsolute } from 'node:path';
import type { DevCredentials } from './dev-credentials.ts';
import type { StackPlan } from './plan.ts';
import { secretPrefix } from './secrets.ts';
import { paint } from './terminal.ts';

export interface BannerFacts {
  plan: StackPlan;
  adminApiKey: string;
  /** As shown: relative to the repository root when inside it; undefined when the key came from ADMIN_API_KEY. */
  adminKeyFile: string | undefined;
  dev: DevCredentials;
  devFile: string;
  /** An admin-role user: the key to sign in to the Studio with for its Admin page. */
  studioAdmin: DevCredentials;
  studioAdminFile: string;
}

export function renderBanner({ plan, adminApiKey, adminKeyFile, dev, devFile, studioAdmin, studioAdminFile }: BannerFacts): string {
  const origin = plan.publicOrigin;
  const body = JSON.stringify({ prompt: 'A calico cat playing a grand piano on stage', seconds: '4' });
  const provider = plan.emulator ? `emulator at ${plan.providerBaseUrl}` : plan.providerBaseUrl;
  const rows: [string, string][] = [
    ['Studio', `${origin}/  (sign in with the dev API key below; the Studio admin's key for the Admin page)`],
    ['API', `${origin}/v1`],
    ['Docs', `${origin}/docs`],
    ['OpenAPI', `${origin}/openapi.json`],
    ['Bull Board', `${origin}/admin/queues  (linked from the Studio's Admin page; or browser login: any user name, the admin key as password)`],
    ['Admin key', `${secretPrefix(adminApiKey)}  (${adminKeyFile ? `cat ${adminKeyFile}` : 'from ADMIN_API_KEY'})`],
    ['Dev API key', `${secretPrefix(dev.apiKey)}  (user ${dev.userId}, in ${devFile})`],
    ['Studio admin', `${secretPrefix(studioAdmin.apiKey)}  (admin user ${studioAdmin.userId}, in ${studioAdminFile})`],
    ['Provider', provider],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const rule = paint(2, '─'.repeat(72));
  return [
    '',
    rule,
    paint(1, '  Sora Studio is running'),
    ...rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`),
    '',
    '  Try it:',
    `  export SORA_KEY=$(node -p "require('${isAbsolute(devFile) ? devFile : `./${devFile}`}').apiKey")`,
    `  curl -s ${origin}/v1/videos -H "Authorization: Bearer $SORA_KEY" -H "Content-Type: application/json" -d '${body}'`,
    '',
    '  Ctrl-C stops everything.',
    rule,
    '',
  ].join('\n');
}
