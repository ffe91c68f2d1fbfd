// The kysely view of the webhook tables (migrations/src/0004_webhooks.ts), kept beside database.ts so that
// file stays the index of every table.
import type { ColumnType, Generated, Selectable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;

export type WebhookEventSource = 'video_event' | 'budget_event' | 'endpoint_test' | 'endpoint_disabled';
export type WebhookDeliveryState = 'pending' | 'delivered' | 'failed' | 'discarded';
export type OutboxName = 'video_events' | 'budget_events';

export interface WebhookEndpointsTable {
  id: string;
  userId: string;
  name: string;
  url: string;
  eventTypes: string[];
  disabledAt: Date | null;
  disabledReason: string | null;
  failingSince: Date | null;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
  deletedAt: Date | null;
}

export interface WebhookSecretsTable {
  id: Generated<number>;
  endpointId: string;
  /** `whsec_` + base64; needed in full to sign, so it is stored, and shown only at creation and rotation. */
  secret: string;
  hint: string;
  createdAt: CreatedAt;
  /** null: the current secret. Set on rotation: the old one signs too until then. */
  expiresAt: Date | null;
}

export interface WebhookEventsTable {
  id: string;
  userId: string;
  type: string;
  data: ColumnType<Record<string, unknown>, Record<string, unknown>, never>;
  source: WebhookEventSource;
  sourceId: number | null;
  createdAt: CreatedAt;
}

export interface WebhookDeliveriesTable {
  id: string;
  eventId: string;
  endpointId: string;
  state: Generated<WebhookDeliveryState>;
  attempts: Generated<number>;
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  deliveredAt: Date | null;
  createdAt: CreatedAt;
}

export interface WebhookDeliveryAttemptsTable {
  /** `wha_…`: time-ordered, so the log pages by id. */
  id: string;
  deliveryId: string;
  attemptedAt: Date;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  /** The start of the receiver's answer, capped. */
  responseBody: string | null;
}

export interface OutboxCursorsTable {
  outbox: OutboxName;
  lastId: Generated<number>;
  /** Highest id read past a gap, and the snapshot's xmax then: see outbox-horizon.ts in the worker. */
  horizonId: number | null;
  horizonXmax: number | null;
}

export type WebhookEndpoint = Selectable<WebhookEndpointsTable>;
export type WebhookSecret = Selectable<WebhookSecretsTable>;
export type WebhookEvent = Selectable<WebhookEventsTable>;
export type WebhookDelivery = Selectable<WebhookDeliveriesTable>;
export type WebhookDeliveryAttempt = Selectable<WebhookDeliveryAttemptsTable>;
