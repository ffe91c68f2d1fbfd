// The provider's webhooks, received: verify the Standard Webhooks signature with PROVIDER_WEBHOOK_SECRET, drop a
// replayed webhook-id, find our video by the provider's id and wake its job so the poll runs now. The event is
// only a nudge: the poll asks the provider what really happened, so an event's order or content decides nothing.
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import {
  AuthenticationError, enqueueAdvanceVideo, InvalidRequestError, isTerminal, markProviderWake, NotFoundError, verifyWebhook, WEBHOOK_TOLERANCE_SECONDS, type Config, type Db,
  type VideoQueues,
} from '@sora-studio/shared';

/** OpenAI's thin event; `data` may carry more than the id, which we ignore. */
const ProviderEventSchema = z.object({
  id: z.string().min(1).max(200),
  object: z.literal('event'),
  created_at: z.number().int(),
  type: z.string().min(1).max(200),
  data: z.object({ id: z.string().min(1).max(200) }),
});

/** The events after which the video's next poll should run at once; any other type is acknowledged and ignored. */
const WAKING_EVENTS = new Set(['video.completed', 'video.failed']);

/**
 * A webhook-id is remembered as long as a message carrying it could still pass the timestamp check: the
 * tolerance applies on both sides of now, so twice it.
 */
const REPLAY_WINDOW_SECONDS = 2 * WEBHOOK_TOLERANCE_SECONDS;

export type ProviderWebhookOutcome =
  | 'woken' // the job was waiting for its next poll; it runs now
  | 'not-waiting' // the job is running or about to: it sees the provider's news without help
  | 'enqueued' // the video had no job at all; it has one now
  | 'video-finished' // our video had already ended
  | 'unknown-video' // no video of ours has that provider id
  | 'ignored-type' // an event we do not act on
  | 'duplicate'; // this webhook-id was received before

export interface ProviderWebhookService {
  receive(body: unknown, headers: Record<string, string | string[] | undefined>, log: FastifyBaseLogger): Promise<ProviderWebhookOutcome>;
}

export function createProviderWebhookService(deps: { config: Config; db: Db; redis: Redis; queues: VideoQueues }): ProviderWebhookService {
  const { config, db, redis, queues } = deps;

  async function wake(videoId: string): Promise<ProviderWebhookOutcome> {
    // First, for a job that is running now and will delay itself after: it promotes itself on seeing this.
    await markProviderWake(redis, config.REDIS_PREFIX, videoId);
    const job = await queues.pipeline.getJob(videoId);
    if (!job) {
      // Lost (Redis flushed, or never enqueued): give it its job now rather than waiting for the reconciler.
      await enqueueAdvanceVideo(queues.pipeline, { videoId, requestId: null });
      return 'enqueued';
    }
    if (!(await job.isDelayed())) return 'not-waiting';
    try {
      await job.promote();
      return 'woken';
    } catch (error) {
      // It left the delayed set between the two calls (its delay ran out): it is running or about to.
      if (!(await job.isDelayed())) return 'not-waiting';
      throw error;
    }
  }

  return {
    async receive(body, headers, log) {
      const secret = config.PROVIDER_WEBHOOK_SECRET;
      // Unconfigured, the route is indistinguishable from one that does not exist.
      if (secret === undefined) throw new NotFoundError('Unknown request URL: POST /v1/provider/webhooks. Please check the URL for typos.', { code: 'unknown_url' });
      if (typeof body !== 'string') throw new InvalidRequestError('A provider webhook is a JSON body (Content-Type: application/json).', { code: 'invalid_body' });

      let payload: unknown;
      try {
        payload = verifyWebhook(body, headers, secret, WEBHOOK_TOLERANCE_SECONDS);
      } catch (error) {
        log.warn({ reason: (error as Error).message }, 'provider webhook refused');
        throw new AuthenticationError('The webhook signature or timestamp is not valid.', { code: 'invalid_webhook_signature' });
      }
      const event = ProviderEventSchema.safeParse(payload);
      if (!event.success) throw new InvalidRequestError('The webhook body is not a provider event ({id, object: "event", created_at, type, data: {id}}).', { code: 'invalid_event' });

      // Verified, so webhook-id is the sender's own; a second message with it is a replay or a retry of one we took.
      const webhookId = String(headers['webhook-id']);
      const replayKey = `${config.REDIS_PREFIX}:provider-webhook:${webhookId}`;
      if ((await redis.set(replayKey, '1', 'EX', REPLAY_WINDOW_SECONDS, 'NX')) === null) {
        log.info({ webhookId, eventType: event.data.type }, 'provider webhook already received');
        return 'duplicate';
      }
      try {
        const outcome = await act(event.data);
        log.info({ webhookId, eventType: event.data.type, providerVideoId: event.data.data.id, outcome }, 'provider webhook received');
        return outcome;
      } catch (error) {
        // Nothing was done: let the sender's retry, with the same webhook-id, try again.
        await redis.del(replayKey).catch(() => undefined);
        throw error;
      }
    },
  };

  async function act(event: z.infer<typeof ProviderEventSchema>): Promise<ProviderWebhookOutcome> {
    if (!WAKING_EVENTS.has(event.type)) return 'ignored-type';
    const video = await db.selectFrom('videos').select(['id', 'status'])
      .where('provider', '=', config.PROVIDER_NAME).where('providerVideoId', '=', event.data.id)
      .executeTakeFirst();
    if (!video) return 'unknown-video';
    if (isTerminal(video)) return 'video-finished';
    return wake(video.id);
  }
}
