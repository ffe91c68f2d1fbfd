// The signed-in user's live video status: one EventSource on GET /v1/events for the whole app, its events
// folded into the query cache. The browser reconnects by itself and sends Last-Event-ID, so nothing is missed.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { applyLiveVideo, type LiveVideo } from './video-cache.ts';

export const LIVE_EVENT_TYPES = ['video.created', 'video.updated', 'video.completed', 'video.failed', 'video.cancelled', 'video.deleted'] as const;

export type LiveConnection = 'connecting' | 'open' | 'reconnecting';

export function useLiveVideoEvents(enabled: boolean): LiveConnection {
  const queryClient = useQueryClient();
  const [connection, setConnection] = useState<LiveConnection>('connecting');

  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const source = new EventSource('/v1/events', { withCredentials: true });
    source.onopen = () => setConnection('open');
    source.onerror = () => setConnection(source.readyState === EventSource.CLOSED ? 'connecting' : 'reconnecting');
    source.addEventListener('snapshot', (event) => {
      const list = JSON.parse((event as MessageEvent<string>).data) as { data: LiveVideo[] };
      for (const video of list.data) applyLiveVideo(queryClient, video, 'snapshot');
    });
    for (const type of LIVE_EVENT_TYPES) {
      source.addEventListener(type, (event) => {
        applyLiveVideo(queryClient, JSON.parse((event as MessageEvent<string>).data) as LiveVideo, type);
      });
    }
    return () => source.close();
  }, [enabled, queryClient]);

  return connection;
}
