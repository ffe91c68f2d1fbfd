// The lifecycle table, walked pair by pair, and the named questions asked of a row.
import { describe, expect, it } from 'vitest';
import {
  canTransition, isGivenUp, isTerminal, needsSubmit, neverReachedProvider, STATUS_EVENT_TYPES, TERMINAL_STATUSES, UNFINISHED_STATUSES,
  VIDEO_STATUSES, type VideoStatus,
} from '@sora-studio/shared';

/** Every allowed change, written out by hand: the table in the code must say exactly this. */
const ALLOWED = new Set([
  'queued→in_progress', 'queued→failed', 'queued→cancelled',
  'in_progress→completed', 'in_progress→failed', 'in_progress→cancelled',
]);

describe('the video lifecycle table', () => {
  const pairs = VIDEO_STATUSES.flatMap((from) => VIDEO_STATUSES.map((to) => [from, to] as [VideoStatus, VideoStatus]));

  it('covers all 25 pairs of the five statuses', () => {
    expect(pairs).toHaveLength(25);
  });

  it.each(pairs)('%s → %s is allowed only if listed', (from, to) => {
    expect(canTransition(from, to)).toBe(ALLOWED.has(`${from}→${to}`));
  });

  it('lets nothing leave a terminal status, and every unfinished status reach an end', () => {
    for (const from of TERMINAL_STATUSES) expect(VIDEO_STATUSES.filter((to) => canTransition(from, to))).toEqual([]);
    for (const from of UNFINISHED_STATUSES) expect(TERMINAL_STATUSES.some((to) => canTransition(from, to))).toBe(true);
  });

  it('splits the statuses into unfinished and terminal, with nothing left over', () => {
    expect([...UNFINISHED_STATUSES, ...TERMINAL_STATUSES].sort()).toEqual([...VIDEO_STATUSES].sort());
  });

  it('names one event for each status a change can reach', () => {
    expect(STATUS_EVENT_TYPES).toEqual({
      queued: 'video.queued', in_progress: 'video.submitted', completed: 'video.completed', failed: 'video.failed', cancelled: 'video.cancelled',
    });
  });
});

describe('the questions asked of a video row', () => {
  const row = { status: 'queued' as VideoStatus, providerVideoId: null as string | null, submitAttempts: 0, deletedAt: null as Date | null, cancelRequestedAt: null as Date | null };

  it('submits a queued video without a provider id, and nothing terminal or already at the provider', () => {
    expect(needsSubmit(row)).toBe(true);
    expect(needsSubmit({ ...row, status: 'in_progress', providerVideoId: 'video_p' })).toBe(false);
    expect(needsSubmit({ ...row, status: 'failed' })).toBe(false);
  });

  it('calls a video terminal only in a terminal status, deleted or not', () => {
    for (const status of VIDEO_STATUSES) expect(isTerminal({ status })).toBe((TERMINAL_STATUSES as readonly VideoStatus[]).includes(status));
  });

  it('says a video never reached the provider only with no provider id and no submit attempt counted', () => {
    expect(neverReachedProvider(row)).toBe(true);
    expect(neverReachedProvider({ ...row, submitAttempts: 1 })).toBe(false);
    expect(neverReachedProvider({ ...row, providerVideoId: 'video_p' })).toBe(false);
    expect(neverReachedProvider({ ...row, status: 'cancelled' })).toBe(false);
  });

  it('calls a video given up when deleted or cancel-requested', () => {
    expect(isGivenUp(row)).toBe(false);
    expect(isGivenUp({ ...row, deletedAt: new Date() })).toBe(true);
    expect(isGivenUp({ ...row, cancelRequestedAt: new Date() })).toBe(true);
  });
});
