// The delivery log queries of the API: attempts of one endpoint's deliveries, newest first, and one delivery
// of an endpoint. Callers have already checked that the endpoint is the caller's (findOwnedEndpoint).
import type { Db } from '@sora-studio/shared';

export async function listEndpointAttempts(db: Db, endpointId: string, opts: { beforeAttemptId: string | null; limit: number }) {
  let select = db.selectFrom('webhookDeliveryAttempts as a')
    .innerJoin('webhookDeliveries as d', 'd.id', 'a.deliveryId')
    .innerJoin('webhookEvents as e', 'e.id', 'd.eventId')
    .select(['a.id', 'a.deliveryId', 'a.attemptedAt', 'a.statusCode', 'a.durationMs', 'a.error', 'a.responseBody', 'd.state', 'e.id as eventId', 'e.type as eventType'])
    .where('d.endpointId', '=', endpointId)
    .orderBy('a.id', 'desc')
    .limit(opts.limit + 1);
  if (opts.beforeAttemptId !== null) select = select.where('a.id', '<', opts.beforeAttemptId);
  return select.execute();
}
export type EndpointAttemptRow = Awaited<ReturnType<typeof listEndpointAttempts>>[number];

export async function findEndpointDelivery(db: Db, endpointId: string, deliveryId: string) {
  return db.selectFrom('webhookDeliveries as d')
    .innerJoin('webhookEvents as e', 'e.id', 'd.eventId')
    .selectAll('d')
    .select('e.type as eventType')
    .where('d.id', '=', deliveryId)
    .where('d.endpointId', '=', endpointId)
    .executeTakeFirst();
}
export type EndpointDeliveryRow = NonNullable<Awaited<ReturnType<typeof findEndpointDelivery>>>;
