// The webhook endpoint queries of the API. Every read of a user's endpoints is scoped by owner and skips
// soft-deleted rows, so another user's endpoint and a deleted one look the same: not there. An endpoint's
// hint is its current secret's (the one with no expiry); older secrets only matter to the signer.
import { sql, type Transaction } from 'kysely';
import type {
  Database, Db, ListAdminWebhookEndpointsQuery, ListWebhookEndpointsQuery, WebhookEndpoint, WebhookEndpointsTable,
} from '@sora-studio/shared';
import { afterCursor } from '../pagination.ts';

type Trx = Transaction<Database>;
export type WebhookEndpointRow = WebhookEndpoint & { signingSecretHint: string | null };
type Querier = Db | Trx;

function endpointsWithHint(db: Querier) {
  return db.selectFrom('webhookEndpoints as e')
    .leftJoin('webhookSecrets as s', (join) => join.onRef('s.endpointId', '=', 'e.id').on('s.expiresAt', 'is', null))
    .selectAll('e')
    .select('s.hint as signingSecretHint');
}

export async function findOwnedEndpoint(db: Querier, userId: string, endpointId: string): Promise<WebhookEndpointRow | undefined> {
  return endpointsWithHint(db)
    .where('e.id', '=', endpointId)
    .where('e.userId', '=', userId)
    .where('e.deletedAt', 'is', null)
    .executeTakeFirst();
}

/** One page plus one row (for `has_more`), keyset on the time-ordered id. */
export async function listOwnedEndpoints(db: Db, userId: string, query: ListWebhookEndpointsQuery): Promise<WebhookEndpointRow[]> {
  let select = endpointsWithHint(db)
    .where('e.userId', '=', userId)
    .where('e.deletedAt', 'is', null)
    .orderBy('e.id', query.order)
    .limit(query.limit + 1);
  if (query.after) select = select.where('e.id', afterCursor(query.order), query.after);
  return select.execute();
}

/** Every user's endpoints for the admin, deleted ones included (their deliveries are still in the log). */
export async function listAllEndpoints(db: Db, query: ListAdminWebhookEndpointsQuery): Promise<WebhookEndpointRow[]> {
  let select = endpointsWithHint(db).orderBy('e.id', query.order).limit(query.limit + 1);
  if (query.after) select = select.where('e.id', afterCursor(query.order), query.after);
  if (query.user_id) select = select.where('e.userId', '=', query.user_id);
  return select.execute();
}

/**
 * Serialises a user's endpoint creations until the transaction ends, so two concurrent creates cannot both
 * take the last place under the per-user limit. The two-key form keeps it apart from other advisory locks.
 */
export async function lockUsersEndpoints(trx: Trx, userId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('webhook-endpoints'), hashtext(${userId}))`.execute(trx);
}

export async function countLiveEndpoints(trx: Trx, userId: string): Promise<number> {
  const row = await trx.selectFrom('webhookEndpoints').select((eb) => eb.fn.countAll<string>().as('count'))
    .where('userId', '=', userId)
    .where('deletedAt', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function insertEndpoint(
  trx: Trx,
  endpoint: Pick<WebhookEndpoint, 'id' | 'userId' | 'name' | 'url' | 'eventTypes'>,
  secret: { secret: string; hint: string },
): Promise<void> {
  await trx.insertInto('webhookEndpoints').values(endpoint).execute();
  await trx.insertInto('webhookSecrets').values({ endpointId: endpoint.id, ...secret }).execute();
}

/** Locks the owner's live endpoint for a change (name, URL, types, secret), or finds nothing. */
export async function lockOwnedEndpoint(trx: Trx, userId: string, endpointId: string): Promise<WebhookEndpoint | undefined> {
  return trx.selectFrom('webhookEndpoints').selectAll()
    .where('id', '=', endpointId)
    .where('userId', '=', userId)
    .where('deletedAt', 'is', null)
    .forUpdate()
    .executeTakeFirst();
}

export type EndpointPatch = Partial<Pick<WebhookEndpointsTable, 'name' | 'url' | 'eventTypes' | 'disabledAt' | 'disabledReason' | 'failingSince'>>;

export async function updateEndpoint(trx: Trx, endpointId: string, patch: EndpointPatch): Promise<void> {
  await trx.updateTable('webhookEndpoints').set({ ...patch, updatedAt: sql<Date>`now()` }).where('id', '=', endpointId).execute();
}

/** Soft delete: the endpoint stops receiving, its delivery log stays. Its secrets stop signing at once. */
export async function softDeleteEndpoint(trx: Trx, userId: string, endpointId: string): Promise<boolean> {
  const deleted = await trx.updateTable('webhookEndpoints')
    .set({ deletedAt: sql<Date>`now()`, updatedAt: sql<Date>`now()` })
    .where('id', '=', endpointId)
    .where('userId', '=', userId)
    .where('deletedAt', 'is', null)
    .returning('id')
    .executeTakeFirst();
  if (!deleted) return false;
  await trx.updateTable('webhookSecrets').set({ expiresAt: sql<Date>`now()` })
    .where('endpointId', '=', endpointId)
    .where((eb) => eb.or([eb('expiresAt', 'is', null), eb('expiresAt', '>', sql<Date>`now()`)]))
    .execute();
  return true;
}

/**
 * The current secret gets an expiry (`keepOldForMs` from now: 0 ends it at once), any older one still
 * signing ends now (only the newest previous secret overlaps), and the new secret becomes the current one.
 */
export async function rotateEndpointSecret(trx: Trx, endpointId: string, secret: { secret: string; hint: string }, keepOldForMs: number): Promise<void> {
  await trx.updateTable('webhookSecrets').set({ expiresAt: sql<Date>`now()` })
    .where('endpointId', '=', endpointId)
    .where('expiresAt', '>', sql<Date>`now()`)
    .execute();
  await trx.updateTable('webhookSecrets')
    .set({ expiresAt: sql<Date>`now() + make_interval(secs => ${keepOldForMs / 1000})` })
    .where('endpointId', '=', endpointId)
    .where('expiresAt', 'is', null)
    .execute();
  await trx.insertInto('webhookSecrets').values({ endpointId, ...secret }).execute();
  await updateEndpoint(trx, endpointId, {});
}
