// The kysely view of the schema in migrations/. Columns are snake_case in Postgres and camelCase here
// (CamelCasePlugin, which leaves the keys inside jsonb values alone). A test checks this file, through
// `databaseColumns`, against the migrated database.
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { VideoStatus, VideoVariant } from '../contract/video.schemas.ts';
import type {
  OutboxCursorsTable, WebhookDeliveriesTable, WebhookDeliveryAttemptsTable, WebhookEndpointsTable, WebhookEventsTable, WebhookSecretsTable,
} from './webhook-tables.ts';
import type { StallReason, VideoEventType } from '../videos/video-events.ts';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;

export type UserRole = 'user' | 'admin';
export type LedgerEntryKind = 'reserve' | 'settle' | 'release';

export interface UsersTable {
  id: string;
  email: string | null;
  name: string;
  role: UserRole;
  disabledAt: Date | null;
  /** The `sub` of an OIDC token that authenticates as this user. */
  oidcSubject: string | null;
  /** Requests per minute; null takes the role's default from config. */
  rateLimitPerMinute: number | null;
  /** Videos at the provider at once; null takes the default from config. */
  maxInFlight: number | null;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

export interface ApiKeysTable {
  id: string;
  userId: string;
  name: string;
  /** The first characters of the key, shown in lists and logs; never enough to use it. */
  prefix: string;
  /** sha256 of the whole key, hex. The key itself is shown once and never stored. */
  hash: string;
  createdAt: CreatedAt;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface VideosTable {
  id: string;
  userId: string;
  model: string;
  prompt: string;
  /** Whole seconds requested (OpenAI spells them as strings; we store integers). */
  seconds: number;
  size: string;
  status: VideoStatus;
  progress: Generated<number>;
  provider: string;
  providerVideoId: string | null;
  /** The provider's last reported status, which runs ahead of ours while we copy the assets. */
  providerStatus: string | null;
  remixedFromVideoId: string | null;
  /** Storage key of the uploaded input_reference image, if any. */
  inputReferenceKey: string | null;
  inputReferenceUrl: string | null;
  estimatedCostMicros: number;
  actualCostMicros: number | null;
  /** What the provider actually delivered, which settles the cost. */
  deliveredSeconds: number | null;
  deliveredSize: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  metadata: ColumnType<Record<string, string>, Record<string, string> | undefined, Record<string, string>>;
  requestId: string | null;
  submitAttempts: Generated<number>;
  cancelRequestedAt: Date | null;
  /** When the worker marked the video stalled (lost or stuck at the provider); null while it is not. Not a status. */
  stalledAt: Date | null;
  stalledReason: StallReason | null;
  /** When the provider last reported a new status or progress (or took the video); the stall deadline counts from it. */
  lastProgressAt: Date | null;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
  completedAt: Date | null;
  /** When the retention sweeper may remove the stored assets (ASSET_RETENTION_SECONDS after completion); null keeps them. */
  expiresAt: Date | null;
  /** When the provider drops its own copy of the downloads (its `expires_at`), as the last poll reported it. */
  providerExpiresAt: Date | null;
  /** When the retention sweeper removed the stored assets; content requests then answer 404 video_expired. */
  assetsPurgedAt: Date | null;
  deletedAt: Date | null;
}

export interface VideoAssetsTable {
  videoId: string;
  variant: VideoVariant;
  storageKey: string;
  bytes: number;
  sha256: string;
  contentType: string;
  createdAt: CreatedAt;
}

export interface VideoEventsTable {
  id: Generated<number>;
  videoId: string;
  type: VideoEventType;
  fromStatus: VideoStatus | null;
  toStatus: VideoStatus | null;
  data: ColumnType<Record<string, unknown>, Record<string, unknown> | undefined, never>;
  requestId: string | null;
  createdAt: CreatedAt;
}

export interface LedgerEntriesTable {
  id: Generated<number>;
  userId: string;
  videoId: string;
  kind: LedgerEntryKind;
  /** Always positive; the kind says which way the money moves. */
  amountMicros: number;
  createdAt: CreatedAt;
}

export type BudgetPeriod = 'day' | 'month';

export interface BudgetsTable {
  id: string;
  userId: string;
  period: BudgetPeriod;
  /** null: the budget covers every model. */
  model: string | null;
  limitMicros: number;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

export interface BudgetUsageTable {
  budgetId: string;
  periodStart: Date;
  reservedMicros: Generated<number>;
  spentMicros: Generated<number>;
  updatedAt: UpdatedAt;
}

export interface BudgetHoldsTable {
  videoId: string;
  budgetId: string;
  periodStart: Date;
  amountMicros: number;
}

export interface BudgetEventsTable {
  id: Generated<number>;
  budgetId: string;
  userId: string;
  periodStart: Date;
  thresholdPercent: 50 | 80 | 100;
  usedMicros: number;
  limitMicros: number;
  createdAt: CreatedAt;
}

export interface IdempotencyKeysTable {
  userId: string;
  key: string;
  requestMethod: string;
  requestPath: string;
  /** sha256 of the method, path and body: the same key with another body is refused. */
  requestHash: string;
  state: 'in_progress' | 'completed';
  responseStatus: number | null;
  responseBody: unknown;
  createdAt: CreatedAt;
  expiresAt: Date;
}

/** An upload written to storage before its video row exists; the create's transaction removes the row. */
export interface StorageUploadsTable {
  storageKey: string;
  createdAt: CreatedAt;
}

/** A browser session; the cookie holds the token, this row only its sha256. */
export interface SessionsTable {
  tokenHash: string;
  userId: string;
  /** The API key signed in with; null for an OIDC sign-in. Revoking the key ends the session. */
  apiKeyId: string | null;
  /** The `sub` of an OIDC sign-in; null for an API key's session. */
  oidcSubject: string | null;
  createdAt: CreatedAt;
  expiresAt: Date;
  revokedAt: Date | null;
  /** Written at most once a minute per session. */
  lastSeenAt: UpdatedAt;
}

export interface AuditLogTable {
  id: Generated<number>;
  actor: string;
  action: string;
  targetId: string;
  data: ColumnType<Record<string, unknown>, Record<string, unknown> | undefined, never>;
  createdAt: CreatedAt;
}

export interface Database {
  users: UsersTable;
  apiKeys: ApiKeysTable;
  videos: VideosTable;
  videoAssets: VideoAssetsTable;
  videoEvents: VideoEventsTable;
  ledgerEntries: LedgerEntriesTable;
  budgets: BudgetsTable;
  budgetUsage: BudgetUsageTable;
  budgetHolds: BudgetHoldsTable;
  budgetEvents: BudgetEventsTable;
  idempotencyKeys: IdempotencyKeysTable;
  auditLog: AuditLogTable;
  storageUploads: StorageUploadsTable;
  sessions: SessionsTable;
  webhookEndpoints: WebhookEndpointsTable;
  webhookSecrets: WebhookSecretsTable;
  webhookEvents: WebhookEventsTable;
  webhookDeliveries: WebhookDeliveriesTable;
  webhookDeliveryAttempts: WebhookDeliveryAttemptsTable;
  outboxCursors: OutboxCursorsTable;
}

export type User = Selectable<UsersTable>;
export type ApiKey = Selectable<ApiKeysTable>;
export type Video = Selectable<VideosTable>;
export type VideoAsset = Selectable<VideoAssetsTable>;
export type VideoEvent = Selectable<VideoEventsTable>;
export type LedgerEntry = Selectable<LedgerEntriesTable>;
export type Budget = Selectable<BudgetsTable>;
export type BudgetUsage = Selectable<BudgetUsageTable>;

/** For every column: is it nullable? The type forces this to agree with the interfaces above. */
type NullabilityOf<T> = { [C in keyof Selectable<T>]-?: null extends Selectable<T>[C] ? true : false };
type ColumnMap = { [T in keyof Database]: NullabilityOf<Database[T]> };

export const databaseColumns: ColumnMap = {
  users: {
    id: false, email: true, name: false, role: false, disabledAt: true, oidcSubject: true, rateLimitPerMinute: true,
    maxInFlight: true, createdAt: false, updatedAt: false,
  },
  apiKeys: { id: false, userId: false, name: false, prefix: false, hash: false, createdAt: false, lastUsedAt: true, revokedAt: true },
  videos: {
    id: false, userId: false, model: false, prompt: false, seconds: false, size: false, status: false, progress: false,
    provider: false, providerVideoId: true, providerStatus: true, remixedFromVideoId: true, inputReferenceKey: true,
    inputReferenceUrl: true, estimatedCostMicros: false, actualCostMicros: true, deliveredSeconds: true, deliveredSize: true,
    errorCode: true, errorMessage: true, metadata: false, requestId: true, submitAttempts: false, cancelRequestedAt: true, stalledAt: true,
    stalledReason: true, lastProgressAt: true, createdAt: false,
    updatedAt: false, completedAt: true, expiresAt: true, providerExpiresAt: true, assetsPurgedAt: true, deletedAt: true,
  },
  videoAssets: { videoId: false, variant: false, storageKey: false, bytes: false, sha256: false, contentType: false, createdAt: false },
  videoEvents: { id: false, videoId: false, type: false, fromStatus: true, toStatus: true, data: false, requestId: true, createdAt: false },
  ledgerEntries: { id: false, userId: false, videoId: false, kind: false, amountMicros: false, createdAt: false },
  budgets: { id: false, userId: false, period: false, model: true, limitMicros: false, createdAt: false, updatedAt: false },
  budgetUsage: { budgetId: false, periodStart: false, reservedMicros: false, spentMicros: false, updatedAt: false },
  budgetHolds: { videoId: false, budgetId: false, periodStart: false, amountMicros: false },
  budgetEvents: {
    id: false, budgetId: false, userId: false, periodStart: false, thresholdPercent: false, usedMicros: false,
    limitMicros: false, createdAt: false,
  },
  idempotencyKeys: {
    userId: false, key: false, requestMethod: false, requestPath: false, requestHash: false, state: false,
    responseStatus: true, responseBody: true, createdAt: false, expiresAt: false,
  },
  auditLog: { id: false, actor: false, action: false, targetId: false, data: false, createdAt: false },
  storageUploads: { storageKey: false, createdAt: false },
  sessions: {
    tokenHash: false, userId: false, apiKeyId: true, oidcSubject: true, createdAt: false, expiresAt: false, revokedAt: true, lastSeenAt: false,
  },
  webhookEndpoints: {
    id: false, userId: false, name: false, url: false, eventTypes: false, disabledAt: true, disabledReason: true, failingSince: true,
    createdAt: false, updatedAt: false, deletedAt: true,
  },
  webhookSecrets: { id: false, endpointId: false, secret: false, hint: false, createdAt: false, expiresAt: true },
  webhookEvents: { id: false, userId: false, type: false, data: false, source: false, sourceId: true, createdAt: false },
  webhookDeliveries: {
    id: false, eventId: false, endpointId: false, state: false, attempts: false, nextAttemptAt: true, lastAttemptAt: true,
    deliveredAt: true, createdAt: false,
  },
  webhookDeliveryAttempts: { id: false, deliveryId: false, attemptedAt: false, statusCode: true, durationMs: false, error: true, responseBody: true },
  outboxCursors: { outbox: false, lastId: false, horizonId: true, horizonXmax: true },
};
