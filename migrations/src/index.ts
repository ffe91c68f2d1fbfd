// The ordered list of migrations and the runner. Listed explicitly, so the order is in the code, not the file system.
import type { Kysely } from 'kysely';
import { type Migration, type MigrationResult, Migrator } from 'kysely/migration';
import * as foundation from './0001_foundation.ts';
import * as moneyAndTenancy from './0002_money_and_tenancy.ts';
import * as videoStalls from './0003_video_stalls.ts';
import * as webhooks from './0004_webhooks.ts';
import * as assetLifecycle from './0005_asset_lifecycle.ts';
import * as sessions from './0006_sessions.ts';
import * as adminUserVideoIndex from './0007_admin_user_video_index.ts';
import * as inFlightIndex from './0008_in_flight_index.ts';

export const migrations: Record<string, Migration> = {
  '0001_foundation': foundation,
  '0002_money_and_tenancy': moneyAndTenancy,
  '0003_video_stalls': videoStalls,
  '0004_webhooks': webhooks,
  '0005_asset_lifecycle': assetLifecycle,
  '0006_sessions': sessions,
  '0007_admin_user_video_index': adminUserVideoIndex,
  '0008_in_flight_index': inFlightIndex,
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- runs before any typed view exists
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResult[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return results ?? [];
}
