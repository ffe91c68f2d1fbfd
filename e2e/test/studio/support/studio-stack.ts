// The real stack for a Studio browser test: the built web app served by the API at `/`, the workers, the
// emulator, a schema and Redis prefix of the file's own, a user with a key, and an admin user.
import { createUserWithKey, type TestUser } from '@sora-studio/testkit';
import { randomBytes } from 'node:crypto';
import { startStack, type Stack, type StackOptions } from '../../../src/index.ts';
import { studioBuildCopy } from './studio-build.ts';

export interface StudioStack extends Stack {
  admin: TestUser;
  newUser(options?: { name?: string }): Promise<TestUser>;
}

export async function startStudioStack(label: string, options: StackOptions = {}): Promise<StudioStack> {
  const web = await studioBuildCopy(label);
  // The admin API opens only where the deployment has an ADMIN_API_KEY; admin users' own keys then work too.
  const adminApiKey = `sk-admin-${randomBytes(24).toString('hex')}`;
  const stack = await startStack(label, { logs: 'silent', ...options, env: { WEB_DIST_DIR: web.dir, ADMIN_API_KEY: adminApiKey, ...options.env } })
    .catch(async (error: unknown) => {
      await web.remove();
      throw error;
    });
  const admin = await createUserWithKey(stack.db, { role: 'admin', name: 'Ada Admin' });
  return {
    ...stack,
    admin,
    newUser: (user = {}) => createUserWithKey(stack.db, user),
    async stop() {
      await stack.stop();
      await web.remove();
    },
  };
}
