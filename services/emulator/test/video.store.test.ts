import { describe, expect, it } from 'vitest';
import { VideoStore, type VideoRecord } from '../src/videos/video.store.ts';

function fill(store: VideoStore, count: number, nowMs = 1_000): VideoRecord[] {
  return Array.from({ length: count }, (_, index) => {
    const record: VideoRecord = {
      id: store.newId(nowMs), model: 'sora-2', size: '720x1280', seconds: '4', prompt: `video ${index}`,
      remixedFromVideoId: null, createdAtMs: nowMs, directives: { latency: 0, render_ms: 0 },
    };
    store.add(record, `key-${index}`);
    return record;
  });
}

const ids = (records: VideoRecord[]) => records.map((record) => record.id);

describe('VideoStore', () => {
  it('makes OpenAI-shaped ids that sort in creation order, even within one millisecond', () => {
    const store = new VideoStore(10);
    const made = [store.newId(5), store.newId(5), store.newId(6), store.newId(4)];
    for (const id of made) expect(id).toMatch(/^video_[0-9a-f]{48}$/);
    expect([...made].sort()).toEqual(made);
  });

  it('pages newest first or oldest first, strictly after the cursor', () => {
    const store = new VideoStore(10);
    const records = ids(fill(store, 5));

    expect(ids(store.page({ limit: 2, order: 'desc' }).videos)).toEqual([records[4], records[3]]);
    expect(store.page({ after: records[3], limit: 2, order: 'desc' })).toMatchObject({ hasMore: true });
    expect(ids(store.page({ after: records[1], limit: 2, order: 'desc' }).videos)).toEqual([records[0]]);
    expect(store.page({ after: records[1], limit: 2, order: 'desc' }).hasMore).toBe(false);

    expect(ids(store.page({ after: records[1], limit: 2, order: 'asc' }).videos)).toEqual([records[2], records[3]]);
    expect(store.page({ after: records[2], limit: 2, order: 'asc' }).hasMore).toBe(false);
  });

  it('keeps paging past a cursor whose video was deleted', () => {
    const store = new VideoStore(10);
    const records = ids(fill(store, 4));
    expect(store.delete(records[2]!)).toBe(true);
    expect(store.delete(records[2]!)).toBe(false);
    expect(ids(store.page({ after: records[2], limit: 10, order: 'desc' }).videos)).toEqual([records[1], records[0]]);
    expect(ids(store.page({ after: records[2], limit: 10, order: 'asc' }).videos)).toEqual([records[3]]);
  });

  it('forgets the oldest videos beyond its capacity, with their idempotency keys', () => {
    const store = new VideoStore(3);
    const records = fill(store, 5);
    expect(store.get(records[0]!.id)).toBeUndefined();
    expect(store.findByIdempotencyKey('key-0')).toBeUndefined();
    expect(store.findByIdempotencyKey('key-4')).toBe(records[4]);
    expect(ids(store.page({ limit: 10, order: 'asc' }).videos)).toEqual(ids(records.slice(2)));
  });
});
