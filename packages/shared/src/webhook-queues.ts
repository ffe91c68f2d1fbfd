// The webhooks queue: a scheduled dispatcher job that turns outbox rows into deliveries, and one job per
// delivery (job id = delivery id, so adding it again while it exists is a no-op).
import type { JobsOptions, Queue } from 'bullmq';
import { z } from 'zod';

export const WEBHOOK_QUEUE = 'webhooks';
export const DISPATCH_WEBHOOKS_JOB = 'dispatch-webhook-events';
export const DELIVER_WEBHOOK_JOB = 'deliver-webhook';

export const DeliverWebhookPayloadSchema = z.object({ deliveryId: z.string().startsWith('whd_') });
export type DeliverWebhookPayload = z.infer<typeof DeliverWebhookPayloadSchema>;

export function deliverWebhookJobOptions(deliveryId: string, delayMs = 0): JobsOptions {
  return {
    jobId: deliveryId,
    attempts: 1,
    delay: delayMs,
    // Removed when done (or failed), so a redelivery or the dispatcher's sweep can add the same id again;
    // Postgres keeps the record.
    removeOnComplete: true,
    removeOnFail: true,
  };
}

/** A no-op for a delivery whose job is still in Redis (waiting, delayed or running). */
export async function enqueueDeliverWebhook(queue: Queue, deliveryId: string, delayMs = 0): Promise<void> {
  await queue.add(DELIVER_WEBHOOK_JOB, { deliveryId } satisfies DeliverWebhookPayload, deliverWebhookJobOptions(deliveryId, delayMs));
}
