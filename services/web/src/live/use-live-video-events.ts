// The signed-in user's live video status: one EventSource on GET /v1/events for the whole app, its events
// folded into the query cache. The browser reconnects by itself and sends Last-Event-ID, so nothing is missed.
// It gives up only when an answer is not a stream (a 401, a 5xx page); then a new EventSource is opened after
// a growing pause, and its opening snapshot tells the cache what ended meanwhile.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../api/http.ts';
import { endSessionOnUnauthorized } from '../api/session.ts';
import { applyLiveSnapshot, applyLiveVideo, type LiveVideo } from './video-cache.ts';

export const LIVE_EVENT_TYPES = ['video.created', 'video.updated', 'video.completed', 'video.failed', 'video.cancelled', 'video.deleted'] as const;

export type LiveConnection = 'connecting' | 'open' | 'reconnecting';

const FIRST_RETRY_MS = 2_000;
const MAX_RETRY_MS = 60_000;

/** The event's JSON, or null for a message that is not ours to read (the stream then carries on). */
function dataOf<T>(event: Event): T | null {
  try {
    return JSON.parse((event as MessageEvent<string>).data) as T;
  } catch {
    return null;
  }
}

function isLiveVideo(value: unknown): value is LiveVideo {
  const video = value as Partial<LiveVideo> | null;
  return typeof video?.id === 'string' && typeof video.status === 'string' && typeof video.progress === 'number';
}

export function useLiveVideoEvents(enabled: boolean): LiveConnection {
  const queryClient = useQueryClient();
  const [connection, setConnection] = useState<LiveConnection>('connecting');

  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    let source: EventSource | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let retryMs = FIRST_RETRY_MS;

    const connect = () => {
      const current = new EventSource('/v1/events', { withCredentials: true });
      source = current;
      current.onopen = () => {
        retryMs = FIRST_RETRY_MS;
        setConnection('open');
      };
      current.onerror = () => {
        if (current.readyState !== EventSource.CLOSED) {
          setConnection('reconnecting');
          return;
        }
        setConnection('connecting');
        current.close();
        // The stream closes when the session ends (sign-out elsewhere, expiry); an EventSource cannot see the 401, so ask.
        void api<unknown>('/v1/session').catch((error: unknown) => endSessionOnUnauthorized(queryClient, error));
        retryTimer = setTimeout(connect, retryMs);
        retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
      };
      current.addEventListener('snapshot', (event) => {
        const list = dataOf<{ data?: unknown }>(event);
        if (Array.isArray(list?.data)) applyLiveSnapshot(queryClient, list.data.filter(isLiveVideo));
      });
      for (const type of LIVE_EVENT_TYPES) {
        current.addEventListener(type, (event) => {
          const video = dataOf<unknown>(event);
          if (isLiveVideo(video)) applyLiveVideo(queryClient, video, type);
        });
      }
    };

    connect();
    return () => {
      clearTimeout(retryTimer);
      source?.close();
    };
  }, [enabled, queryClient]);

  return connection;
}
