// The body a receiver gets, in OpenAI's envelope: `{id: "evt_…", object: "event", created_at, type, data}`.
// `data.id` is the object the event is about (our video id, a budget id, an endpoint id); the rest of `data`
// is ours, taken from the outbox row's typed payload, so `data` carries what OpenAI sends and never less.
import type { BudgetEventsTable, VideoEventsTable } from '../db/database.ts';
import type { Selectable } from 'kysely';
import type { VideoEventPayloads, VideoEventType } from '../videos/video-events.ts';
import type { WebhookEventType } from './webhook-event-types.ts';

export interface WebhookEventBody {
  id: string;
  object: 'event';
  created_at: number;
  type: WebhookEventType;
  data: { id: string } & Record<string, unknown>;
}

/** The video events that become webhook events, and the webhook type each becomes. */
export const VIDEO_EVENT_WEBHOOK_TYPES = {
  'video.completed': 'video.completed',
  'video.failed': 'video.failed',
  'video.cancelled': 'video.cancelled',
  'video.stalled': 'video.stalled',
  'video.asset_at_risk': 'video.asset_at_risk',
} as const satisfies Partial<Record<VideoEventType, WebhookEventType>>;
export type WebhookVideoEventType = keyof typeof VIDEO_EVENT_WEBHOOK_TYPES;
export const WEBHOOK_VIDEO_EVENT_TYPES = Object.keys(VIDEO_EVENT_WEBHOOK_TYPES) as WebhookVideoEventType[];

export function isWebhookVideoEvent(type: string): type is WebhookVideoEventType {
  return Object.hasOwn(VIDEO_EVENT_WEBHOOK_TYPES, type);
}

/** `data` of a video event: the video id, its status after the change, and the event's own payload. */
export function videoEventData(row: Pick<Selectable<VideoEventsTable>, 'videoId' | 'type' | 'toStatus' | 'data'>): WebhookEventBody['data'] {
  const payload = row.data as VideoEventPayloads[WebhookVideoEventType];
  return { ...payload, id: row.videoId, object: 'video', status: row.toStatus ?? statusOfSameStatusEvent(row.type) };
}

// A stall and an asset at risk are same-status changes (to_status null) of a video the provider has: still in progress.
function statusOfSameStatusEvent(type: VideoEventType): string | null {
  return type === 'video.stalled' || type === 'video.asset_at_risk' ? 'in_progress' : null;
}

/** `data` of `budget.threshold_reached`: which budget, which threshold, and the money behind it. */
export function budgetEventData(row: Selectable<BudgetEventsTable>): WebhookEventBody['data'] {
  return {
    id: row.budgetId,
    object: 'budget',
    threshold_percent: row.thresholdPercent,
    used_micros: Number(row.usedMicros),
    limit_micros: Number(row.limitMicros),
    period_start: Math.floor(row.periodStart.getTime() / 1000),
  };
}

/** `data` of `webhook_endpoint.disabled`, sent to the owner's other endpoints. */
export function endpointDisabledData(endpoint: { id: string; url: string }, reason: string): WebhookEventBody['data'] {
  return { id: endpoint.id, object: 'webhook_endpoint', url: endpoint.url, disabled_reason: reason };
}

/** The JSON body of a stored event; the same bytes on every attempt (only the timestamp header changes). */
export function webhookEventBody(event: { id: string; type: string; createdAt: Date; data: Record<string, unknown> }): string {
  const body: WebhookEventBody = {
    id: event.id,
    object: 'event',
    created_at: Math.floor(event.createdAt.getTime() / 1000),
    type: event.type as WebhookEventType,
    data: event.data as WebhookEventBody['data'],
  };
  return JSON.stringify(body);
}
