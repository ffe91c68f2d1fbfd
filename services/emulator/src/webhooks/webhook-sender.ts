// The provider's webhooks: when a video ends, POST OpenAI's thin event (`video.completed` / `video.failed`) to the
// configured URL, signed per Standard Webhooks, retried a few times with a short back-off. One timer per video,
// unref'd (it never keeps the process alive) and cleared when the video is deleted or the emulator closes.
import { newId, signWebhook, type Logger } from '@sora-studio/shared';
import type { EmulatorStats } from '../stats/emulator-stats.ts';

export type ProviderEventType = 'video.completed' | 'video.failed';

/** OpenAI's event envelope: thin, so the receiver fetches the video itself. */
export interface ProviderEvent {
  id: string;
  object: 'event';
  created_at: number;
  type: ProviderEventType;
  data: { id: string };
}

/** Waits before each retry; the first attempt goes at once. Short: the emulator is a local stand-in. */
const RETRY_DELAYS_MS = [250, 1_000, 4_000, 10_000] as const;
const ATTEMPT_TIMEOUT_MS = 5_000;

export interface WebhookSenderOptions {
  url: string;
  secret: string;
  stats: EmulatorStats;
  logger: Logger;
}

export class WebhookSender {
  readonly #options: WebhookSenderOptions;
  /** The one pending timer of each video: its end, or its event's next retry. */
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #inFlight = new Set<AbortController>();
  #closed = false;

  constructor(options: WebhookSenderOptions) {
    this.#options = options;
  }

  /** Runs `fire` for the video after `delayMs` (replacing any timer it had); nothing after close. */
  schedule(videoId: string, delayMs: number, fire: () => void): void {
    if (this.#closed) return;
    this.cancel(videoId);
    const timer = setTimeout(() => {
      this.#timers.delete(videoId);
      fire();
    }, Math.max(0, delayMs));
    timer.unref();
    this.#timers.set(videoId, timer);
  }

  /** A deleted (or forgotten) video sends nothing more. */
  cancel(videoId: string): void {
    const timer = this.#timers.get(videoId);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#timers.delete(videoId);
  }

  /** Sends the video's event now, retrying failed attempts; every attempt carries the same webhook-id. */
  send(videoId: string, type: ProviderEventType, createdAt: number): void {
    const event: ProviderEvent = { id: newId('evt'), object: 'event', created_at: createdAt, type, data: { id: videoId } };
    this.#options.stats.webhooks.events += 1;
    void this.#attempt(event, 0);
  }

  close(): void {
    this.#closed = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    for (const controller of this.#inFlight) controller.abort();
  }

  async #attempt(event: ProviderEvent, attempt: number): Promise<void> {
    const { stats, logger } = this.#options;
    const failure = await this.#post(event);
    stats.webhooks.attempts += 1;
    if (failure === null) {
      stats.webhooks.delivered += 1;
      logger.info({ eventId: event.id, type: event.type, videoId: event.data.id, attempt: attempt + 1 }, 'webhook delivered');
      return;
    }
    const retryInMs = RETRY_DELAYS_MS[attempt];
    if (retryInMs === undefined || this.#closed) {
      stats.webhooks.abandoned += 1;
      logger.warn({ eventId: event.id, type: event.type, videoId: event.data.id, attempts: attempt + 1, failure }, 'webhook abandoned');
      return;
    }
    logger.info({ eventId: event.id, videoId: event.data.id, attempt: attempt + 1, failure, retryInMs }, 'webhook attempt failed; retrying');
    this.schedule(event.data.id, retryInMs, () => void this.#attempt(event, attempt + 1));
  }

  /** One attempt with a fresh timestamp (receivers refuse old ones); why it failed, or null when 2xx. */
  async #post(event: ProviderEvent): Promise<string | null> {
    if (this.#closed) return 'emulator closed';
    const body = JSON.stringify(event);
    const timestamp = Math.floor(Date.now() / 1000);
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), ATTEMPT_TIMEOUT_MS);
    timeout.unref();
    this.#inFlight.add(controller);
    try {
      const response = await fetch(this.#options.url, {
        method: 'POST',
        body,
        redirect: 'manual',
        signal: controller.signal,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'SoraStudioEmulator/1.0',
          'webhook-id': event.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook({ id: event.id, timestamp, body }, [this.#options.secret]),
        },
      });
      // Read to the end (a few bytes at most), so the connection goes back to the pool clean.
      await response.arrayBuffer();
      return response.ok ? null : `HTTP ${response.status}`;
    } catch (error) {
      return (error as Error).message;
    } finally {
      clearTimeout(timeout);
      this.#inFlight.delete(controller);
    }
  }
}
