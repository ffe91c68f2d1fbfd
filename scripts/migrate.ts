// `npm run migrate`: creates the database in DATABASE_URL when missing and applies every pending migration.
// The docker-compose `migrate` service runs this too, before the API and the worker start.
import { loadConfig } from '@sora-studio/shared';
import { describeDatabase, prepareDatabase } from './stack/database.ts';
import { checkPostgres } from './stack/preflight.ts';
import { exitOnFailure, say } from './stack/terminal.ts';

await exitOnFailure(async () => {
  const config = loadConfig();
  await checkPostgres(config.DATABASE_URL);
  say(describeDatabase(await prepareDatabase(config.DATABASE_URL)));
});
