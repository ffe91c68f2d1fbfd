// The rules of a user's webhook endpoints: the URL passes the SSRF guard on create and on every change of
// it (the sender checks it again at send time), at most MAX_WEBHOOK_ENDPOINTS_PER_USER live endpoints per
// user, owner-scoped everything, and a signing secret that is shown only when it is made. Rotation keeps
// the previous secret signing for 24 h when asked, so receivers can switch without dropping a delivery.
import {
  InvalidRequestError, newId, newWebhookSecret, notFound, resolveWebhookTarget, webhookUrlPolicyOf, WEBHOOK_EVENT_TYPES,
  type Config, type CreateWebhookEndpointBody, type Db, type ListAdminWebhookEndpointsQuery, type ListWebhookEndpointsQuery,
  type RotateWebhookSecretBody, type UpdateWebhookEndpointBody, type AdminWebhookEndpointObject, type WebhookEndpointObject,
  type WebhookEndpoint, type WebhookEndpointWithSecret, type WebhookHostResolver,
} from '@sora-studio/shared';
import type { CallerContext } from '../caller-context.ts';
import type { IdempotencyClaim } from '../idempotency/idempotency.service.ts';
import { listPage, type ListPage } from '../pagination.ts';
import { toAdminWebhookEndpointObject, toWebhookEndpointObject } from './webhook-endpoint.mapper.ts';
import {
  countLiveEndpoints, findOwnedEndpoint, insertEndpoint, listAllEndpoints, listOwnedEndpoints, lockOwnedEndpoint, lockUsersEndpoints,
  rotateEndpointSecret, softDeleteEndpoint, updateEndpoint, type EndpointPatch, type WebhookEndpointRow,
} from './webhook-endpoint.repo.ts';

/** Live (not deleted) endpoints one user may have: a constant, not config, until someone needs another number. */
export const MAX_WEBHOOK_ENDPOINTS_PER_USER = 20;
/** How long the previous secret keeps signing after a rotation that asks to keep it. */
export const OLD_SECRET_OVERLAP_MS = 24 * 3600_000;

export interface WebhookEndpointServiceDeps {
  config: Config;
  db: Db;
  /** The system resolver with its 5 s bound unless a test plays a slow or rebinding one. */
  webhookHostResolver?: WebhookHostResolver;
}

const notFoundEndpoint = (endpointId: string) => notFound('webhook_endpoint', endpointId);

/** Log lines name the host only: a receiver's path or query often carries a token of its own. */
function hostOf(url: string): string {
  return new URL(url).host;
}

function sameTypes(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((type) => b.includes(type));
}

/** What an update really changes: a field given with its current value changes nothing (and not `updated_at`). */
function changesOf(current: Pick<WebhookEndpoint, 'name' | 'url' | 'eventTypes' | 'disabledAt'>, body: UpdateWebhookEndpointBody): EndpointPatch {
  const patch: EndpointPatch = {};
  if (body.name !== undefined && body.name !== current.name) patch.name = body.name;
  if (body.url !== undefined && body.url !== current.url) patch.url = body.url;
  if (body.event_types !== undefined && !sameTypes(body.event_types, current.eventTypes)) patch.eventTypes = body.event_types;
  // A new URL or a new set of events is the owner's answer to whatever disabled the endpoint, so it
  // receives again, with a fresh failure clock. A rename alone is no such answer.
  if (current.disabledAt !== null && (patch.url !== undefined || patch.eventTypes !== undefined)) {
    Object.assign(patch, { disabledAt: null, disabledReason: null, failingSince: null } satisfies EndpointPatch);
  }
  return patch;
}

export function createWebhookEndpointService(deps: WebhookEndpointServiceDeps) {
  const policy = webhookUrlPolicyOf(deps.config);

  /** Throws WebhookUrlRefusedError (400, param `url`) for a URL the sender would refuse. */
  async function checkUrl(url: string): Promise<void> {
    await resolveWebhookTarget(url, policy, deps.webhookHostResolver);
  }

  async function ownedEndpoint(userId: string, endpointId: string): Promise<WebhookEndpointRow> {
    const row = await findOwnedEndpoint(deps.db, userId, endpointId);
    if (!row) throw notFoundEndpoint(endpointId);
    return row;
  }

  return {
    async create(ctx: CallerContext, body: CreateWebhookEndpointBody, idempotency: IdempotencyClaim | null = null): Promise<WebhookEndpointWithSecret> {
      await checkUrl(body.url);
      const id = newId('whe');
      const secret = newWebhookSecret();
      const created = await deps.db.transaction().execute(async (trx) => {
        await lockUsersEndpoints(trx, ctx.userId);
        if (await countLiveEndpoints(trx, ctx.userId) >= MAX_WEBHOOK_ENDPOINTS_PER_USER) {
          throw new InvalidRequestError(
            `You already have ${MAX_WEBHOOK_ENDPOINTS_PER_USER} webhook endpoints, the most one user may have. Delete one you no longer use first.`,
            { code: 'webhook_endpoint_limit_reached' },
          );
        }
        await insertEndpoint(trx, { id, userId: ctx.userId, name: body.name, url: body.url, eventTypes: body.event_types }, secret);
        const row = await findOwnedEndpoint(trx, ctx.userId, id);
        const answer: WebhookEndpointWithSecret = { ...toWebhookEndpointObject(row!), signing_secret: secret.secret };
        // The Idempotency-Key's stored answer commits with the endpoint: a retry gets the same one back.
        await idempotency?.recordResponse(trx, 200, answer);
        return answer;
      });
      ctx.log.info({ webhookEndpointId: id, host: hostOf(body.url), eventTypes: body.event_types }, 'webhook endpoint created');
      return created;
    },

    async retrieve(ctx: CallerContext, endpointId: string): Promise<WebhookEndpointObject> {
      return toWebhookEndpointObject(await ownedEndpoint(ctx.userId, endpointId));
    },

    async list(ctx: CallerContext, query: ListWebhookEndpointsQuery): Promise<ListPage<WebhookEndpointObject>> {
      return listPage(await listOwnedEndpoints(deps.db, ctx.userId, query), query.limit, toWebhookEndpointObject);
    },

    async update(ctx: CallerContext, endpointId: string, given: UpdateWebhookEndpointBody | null = null): Promise<WebhookEndpointObject> {
      const body = given ?? {};
      // The URL is checked before any lock is taken: resolving a name may take a while.
      const current = await ownedEndpoint(ctx.userId, endpointId);
      if (body.url !== undefined && body.url !== current.url) await checkUrl(body.url);
      const patch = await deps.db.transaction().execute(async (trx) => {
        const locked = await lockOwnedEndpoint(trx, ctx.userId, endpointId);
        if (!locked) throw notFoundEndpoint(endpointId);
        const changes = changesOf(locked, body);
        if (Object.keys(changes).length > 0) await updateEndpoint(trx, endpointId, changes);
        return changes;
      });
      if (Object.keys(patch).length > 0) {
        ctx.log.info({ webhookEndpointId: endpointId, changed: Object.keys(patch), ...(patch.url ? { host: hostOf(patch.url) } : {}) }, 'webhook endpoint updated');
      }
      return toWebhookEndpointObject(await ownedEndpoint(ctx.userId, endpointId));
    },

    /** Soft delete: no new deliveries, its secrets stop signing, its delivery log is kept. */
    async delete(ctx: CallerContext, endpointId: string): Promise<{ id: string; object: 'webhook_endpoint.deleted'; deleted: true }> {
      const deleted = await deps.db.transaction().execute((trx) => softDeleteEndpoint(trx, ctx.userId, endpointId));
      if (!deleted) throw notFoundEndpoint(endpointId);
      ctx.log.info({ webhookEndpointId: endpointId }, 'webhook endpoint deleted');
      return { id: endpointId, object: 'webhook_endpoint.deleted', deleted: true };
    },

    async rotateSecret(ctx: CallerContext, endpointId: string, body: RotateWebhookSecretBody | null = null): Promise<WebhookEndpointWithSecret> {
      const keepOld = body?.keep_old_secret_active_for_24_hours ?? false;
      const secret = newWebhookSecret();
      await deps.db.transaction().execute(async (trx) => {
        if (!await lockOwnedEndpoint(trx, ctx.userId, endpointId)) throw notFoundEndpoint(endpointId);
        await rotateEndpointSecret(trx, endpointId, secret, keepOld ? OLD_SECRET_OVERLAP_MS : 0);
      });
      ctx.log.info({ webhookEndpointId: endpointId, keepOldSecret: keepOld }, 'webhook endpoint secret rotated');
      return { ...toWebhookEndpointObject(await ownedEndpoint(ctx.userId, endpointId)), signing_secret: secret.secret };
    },

    eventTypes(): { object: 'list'; data: string[] } {
      return { object: 'list', data: [...WEBHOOK_EVENT_TYPES] };
    },

    async listAll(query: ListAdminWebhookEndpointsQuery): Promise<ListPage<AdminWebhookEndpointObject>> {
      return listPage(await listAllEndpoints(deps.db, query), query.limit, toAdminWebhookEndpointObject);
    },
  };
}

export type WebhookEndpointService = ReturnType<typeof createWebhookEndpointService>;
