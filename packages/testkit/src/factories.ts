// Factories for the rows a test needs, written through the same queries the service uses where one exists.
import { generateApiKey, newId, type Db, type UserRole } from '@sora-studio/shared';

export interface TestUser {
  id: string;
  apiKey: string;
}

export async function createUserWithKey(db: Db, opts: { role?: UserRole; name?: string } = {}): Promise<TestUser> {
  const userId = newId('user');
  const key = generateApiKey();
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('users').values({ id: userId, name: opts.name ?? `user ${userId}`, email: null, role: opts.role ?? 'user' }).execute();
    await trx.insertInto('apiKeys').values({ id: newId('key'), userId, name: 'test', prefix: key.prefix, hash: key.hash }).execute();
  });
  return { id: userId, apiKey: key.key };
}
