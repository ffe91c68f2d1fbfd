// A `video_events` row as the owner's timeline shows it. Each type's payload (videos/video-events.ts) says
// what progress, error and line for people to show; provider ids, attempts and the workers' own failure texts
// (which may name hosts, paths or libraries) stay out: a stall is told by its reason, not its stored message.
import {
  formatUsd, type MoneyPayload, type StallReason, type VideoEventPayloads, type VideoEventType, type VideoStatus, type VideoTimelineEvent,
} from '@sora-studio/shared';
import { unixSeconds } from '../unix-seconds.ts';

export interface VideoEventRow {
  id: number;
  type: VideoEventType;
  fromStatus: VideoStatus | null;
  toStatus: VideoStatus | null;
  data: Record<string, unknown>;
  createdAt: Date;
}

type Shown = Pick<VideoTimelineEvent, 'progress' | 'error' | 'message'>;
type Payload<T extends VideoEventType> = Partial<VideoEventPayloads[T]>;

const STALL_LINES: Readonly<Record<StallReason, string>> = {
  provider_not_found: 'The provider no longer knows this video.',
  provider_unreachable: 'The provider could not be reached.',
  no_progress: 'The provider has reported no progress for a long time.',
  download_failed: 'Saving the finished video keeps failing.',
  unpriced_delivery: 'The provider delivered a size or length the catalogue has no price for.',
};

const NOTHING: Shown = { progress: null, error: null, message: null };

/** Rows written before a field existed, or by hand, must not turn a timeline into a 500. */
const numberOr = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const textOr = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const percent = (value: unknown): number | null => {
  const n = numberOr(value);
  return n === null ? null : Math.min(100, Math.max(0, Math.round(n)));
};

function moneyLine(verb: string, money: Partial<MoneyPayload>): string | null {
  const settled = numberOr(money.settled_micros);
  const released = numberOr(money.released_micros);
  if (settled === null || released === null) return null;
  return `${verb} ${formatUsd(settled)}; ${formatUsd(released)} of the reservation released.`;
}

function shownFor(row: VideoEventRow): Shown {
  const data = row.data;
  switch (row.type) {
    case 'video.queued': {
      const p = data as Payload<'video.queued'>;
      const cost = numberOr(p.estimated_cost_micros);
      return { ...NOTHING, progress: 0, message: cost === null ? null : `Estimated cost ${formatUsd(cost)}, reserved.` };
    }
    case 'video.submitted':
      // provider_video_id and the attempt count are ours and the provider's business.
      return { ...NOTHING, progress: 0 };
    case 'video.provider_status': {
      const p = data as Payload<'video.provider_status'>;
      const status = textOr(p.provider_status);
      return { ...NOTHING, progress: percent(p.progress), message: status === null ? null : `The provider reports ${status}.` };
    }
    case 'video.completed':
      return { ...NOTHING, progress: 100, message: moneyLine('Charged', data as Payload<'video.completed'>) };
    case 'video.failed': {
      const p = data as Payload<'video.failed'>;
      const code = textOr(p.code);
      return { progress: null, error: code === null ? null : { code, message: textOr(p.message) ?? '' }, message: moneyLine('Charged', p) };
    }
    case 'video.cancelled': {
      const p = data as Payload<'video.cancelled'>;
      const why = p.reason === 'deleted' ? 'Cancelled because the video was deleted.' : 'Cancelled on request.';
      const money = moneyLine('Charged', p);
      return { ...NOTHING, message: money === null ? why : `${why} ${money}` };
    }
    case 'video.cancel_requested':
      return { ...NOTHING, message: 'Cancel requested.' };
    case 'video.deleted':
      return { ...NOTHING, message: 'Deleted.' };
    case 'video.stalled': {
      const p = data as Payload<'video.stalled'>;
      const line = p.reason !== undefined && Object.hasOwn(STALL_LINES, p.reason) ? STALL_LINES[p.reason] : 'The video has stalled.';
      return { ...NOTHING, progress: percent(p.progress), message: `${line} Its cost stays reserved until it is resolved.` };
    }
    case 'video.unstalled': {
      const p = data as Payload<'video.unstalled'>;
      const ms = numberOr(p.stalled_for_ms);
      return { ...NOTHING, progress: percent(p.progress), message: ms === null ? 'Running again.' : `Running again after ${Math.round(ms / 1000)} s stalled.` };
    }
    case 'video.asset_at_risk': {
      const p = data as Payload<'video.asset_at_risk'>;
      const expires = numberOr(p.provider_expires_at);
      const when = expires === null ? 'soon' : `at ${new Date(expires * 1000).toISOString()}`;
      return { ...NOTHING, message: `The provider drops its copy ${when} and ours is not saved yet; still trying.` };
    }
    case 'video.assets_purged':
      return { ...NOTHING, message: 'The stored files were removed by the retention policy.' };
    default:
      return NOTHING;
  }
}

export function toVideoTimelineEvent(row: VideoEventRow): VideoTimelineEvent {
  return {
    id: row.id,
    object: 'video.event',
    type: row.type,
    from_status: row.fromStatus,
    to_status: row.toStatus,
    ...shownFor(row),
    created_at: unixSeconds(row.createdAt),
  };
}
