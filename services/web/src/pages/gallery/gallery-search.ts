// The gallery's filters live in the URL (shareable, and Back restores them). This module owns their
// shape: what the URL may hold, and the GET /v1/videos query they become.
import type { ListVideosQuery, VideoStatus } from '../../api/types.ts';

export const GALLERY_STATUSES: readonly VideoStatus[] = ['queued', 'in_progress', 'completed', 'failed', 'cancelled'];

export interface GallerySearch {
  q?: string;
  status?: VideoStatus;
  model?: string;
  /** Calendar days, YYYY-MM-DD, in the viewer's time zone (as the date inputs and the shown times are). */
  from?: string;
  to?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function text(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed.slice(0, max);
}

/** A real calendar day: `2026-02-30` is dropped rather than read as March 2nd. */
function day(value: unknown): string | undefined {
  if (typeof value !== 'string' || !DAY.test(value)) return undefined;
  const [year = 0, month = 0, date = 0] = value.split('-').map(Number);
  const parsed = new Date(year, month - 1, date);
  return parsed.getFullYear() === year && parsed.getMonth() === month - 1 && parsed.getDate() === date ? value : undefined;
}

/**
 * The router's validateSearch: anything the API would refuse is dropped, so a hand-edited URL still shows a
 * gallery. Every key is present, undefined when dropped: the router lays a route's search over the raw one.
 */
export function parseGallerySearch(search: Record<string, unknown>): GallerySearch {
  return {
    q: text(search.q, 200),
    status: GALLERY_STATUSES.includes(search.status as VideoStatus) ? (search.status as VideoStatus) : undefined,
    model: text(search.model, 200),
    from: day(search.from),
    to: day(search.to),
  };
}

function localMidnight(isoDay: string): number {
  const [year = NaN, month = NaN, date = NaN] = isoDay.split('-').map(Number);
  return new Date(year, month - 1, date).getTime();
}

export type VideoListFilters = Pick<ListVideosQuery, 'q' | 'status' | 'model'> & { created_after?: string; created_before?: string };

/** The list query for these filters: `from` is the start of that day, `to` includes the whole of that day. */
export function listFiltersOf(search: GallerySearch): VideoListFilters {
  const filters: VideoListFilters = {};
  if (search.q) filters.q = search.q;
  if (search.status) filters.status = search.status;
  if (search.model) filters.model = search.model;
  if (search.from) filters.created_after = String(Math.floor(localMidnight(search.from) / 1000));
  if (search.to) {
    const nextDay = new Date(localMidnight(search.to));
    nextDay.setDate(nextDay.getDate() + 1);
    filters.created_before = String(Math.floor(nextDay.getTime() / 1000));
  }
  return filters;
}

/** Whether any filter is set (the router's search may carry other, unvalidated keys; they do not count). */
export function hasFilters(search: GallerySearch): boolean {
  return [search.q, search.status, search.model, search.from, search.to].some((value) => value !== undefined);
}
