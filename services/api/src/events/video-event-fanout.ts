// One Redis subscriber connection per API process, fanning each user's channel out in memory to that user's
// open streams: a channel is subscribed when its first stream opens and unsubscribed when its last closes,
// so Redis sends this process only the users it serves, and no stream has a connection of its own.
// Pub/sub keeps nothing for a subscriber that was away: when the connection drops, every stream is told
// (it ends, and its client resumes with Last-Event-ID from Postgres).
import type { Redis } from 'ioredis';
import { videoEventChannel, VideoStreamMessageSchema, type Logger, type VideoStreamMessage } from '@sora-studio/shared';

export interface FanoutListener {
  message(message: VideoStreamMessage): void;
  /** The subscriber connection dropped: messages may have been missed. */
  lost(): void;
}

export interface VideoEventFanout {
  /** Resolves once Redis has confirmed the subscription: from then on no message for `userId` is missed. */
  subscribe(userId: string, listener: FanoutListener): Promise<() => void>;
  close(): Promise<void>;
}

interface Channel {
  listeners: Set<FanoutListener>;
  subscribed: Promise<unknown>;
}

/** A subscription Redis has not confirmed by then fails the request (503) rather than hang it. */
const SUBSCRIBE_TIMEOUT_MS = 2_000;

export function createVideoEventFanout(deps: { connect: () => Redis; prefix: string; logger: Pick<Logger, 'warn' | 'debug'> }): VideoEventFanout {
  const channels = new Map<string, Channel>();
  let subscriber: Redis | undefined;

  const connection = (): Redis => {
    if (subscriber) return subscriber;
    const redis = deps.connect();
    let wasReady = false;
    redis.on('ready', () => { wasReady = true; });
    redis.on('error', (error) => deps.logger.debug({ err: error }, 'video event subscriber error'));
    redis.on('close', () => {
      if (!wasReady) return;
      wasReady = false;
      for (const channel of channels.values()) for (const listener of channel.listeners) listener.lost();
    });
    redis.on('message', (name: string, text: string) => {
      const channel = channels.get(name);
      if (!channel) return;
      const parsed = VideoStreamMessageSchema.safeParse(safeJson(text));
      if (!parsed.success) {
        deps.logger.warn({ channel: name }, 'unreadable video event message ignored');
        return;
      }
      for (const listener of channel.listeners) listener.message(parsed.data);
    });
    subscriber = redis;
    return redis;
  };

  return {
    async subscribe(userId, listener) {
      const name = videoEventChannel(deps.prefix, userId);
      let channel = channels.get(name);
      if (!channel) {
        // The redis client sends commands in order, so a subscribe after a pending unsubscribe wins.
        channel = { listeners: new Set(), subscribed: connection().subscribe(name) };
        channels.set(name, channel);
      }
      channel.listeners.add(listener);
      const entry = channel;
      const release = () => {
        entry.listeners.delete(listener);
        if (entry.listeners.size > 0 || channels.get(name) !== entry) return;
        channels.delete(name);
        connection().unsubscribe(name).catch((error: unknown) => deps.logger.debug({ err: error }, 'video event unsubscribe failed'));
      };
      try {
        await withTimeout(entry.subscribed, SUBSCRIBE_TIMEOUT_MS);
      } catch (error) {
        release();
        throw error;
      }
      return release;
    },
    async close() {
      channels.clear();
      if (subscriber) subscriber.disconnect();
      subscriber = undefined;
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('Command timed out: video event subscription')), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
