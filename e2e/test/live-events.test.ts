// Live status on the real stack: the API's GET /v1/events, fed by the worker's relay through Redis, while
// the worker drives the emulator. The client opens one stream and watches a video from created to
// completed without asking for it once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStream, type EventSourceMessage } from '@sora-studio/testkit';
import { startStack, type Stack } from '../src/index.ts';

let stack: Stack;
beforeAll(async () => { stack = await startStack('e2e_live_events', { renderMs: 2_000, logs: 'silent' }); });
afterAll(async () => { await stack?.stop(); });

interface StreamedVideo {
  id: string;
  status: string;
  progress: number;
}

const about = (events: EventSourceMessage[], videoId: string) => events
  .filter((e) => e.event !== 'snapshot')
  .map((e) => ({ event: e.event, id: Number(e.id), video: JSON.parse(e.data) as StreamedVideo }))
  .filter((e) => e.video.id === videoId);

describe('live video status over server-sent events', () => {
  it('shows a new video go created → updated (in_progress, rising progress) → completed, in order, without polling', async () => {
    const auth = { authorization: `Bearer ${stack.user.apiKey}` };
    const stream = await openEventStream(`${stack.origin}/v1/events`, auth);
    try {
      expect(stream.status).toBe(200);
      await stream.until((events) => events[0]?.event === 'snapshot', 'the snapshot');

      const created = await fetch(`${stack.baseURL}/videos`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'a hot air balloon over a glacier' }),
      });
      expect(created.status).toBe(200);
      const videoId = ((await created.json()) as { id: string }).id;

      const events = await stream.until((all) => about(all, videoId).some((e) => e.event === 'video.completed'), 'video.completed', 30_000);
      const story = about(events, videoId);
      expect(story[0]).toMatchObject({ event: 'video.created', video: { status: 'queued', progress: 0 } });
      expect(story.at(-1)).toMatchObject({ event: 'video.completed', video: { status: 'completed', progress: 100 } });
      const updates = story.slice(1, -1);
      expect(updates.length).toBeGreaterThan(0);
      expect(updates.every((e) => e.event === 'video.updated' && e.video.status === 'in_progress')).toBe(true);
      expect(updates.some((e) => e.video.progress > 0 && e.video.progress < 100)).toBe(true);
      const progress = story.map((e) => e.video.progress);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      const ids = story.map((e) => e.id);
      expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));

      // The stream carried what the database holds: the video really is completed.
      expect((await stack.waitForStatus(videoId, 'completed', 1_000)).progress).toBe(100);
    } finally {
      stream.close();
    }
  });
});
