// Warning that a video's assets may be lost: the provider drops its copy soon (within
// ASSET_AT_RISK_MARGIN_SECONDS) and ours has not succeeded. One `video.asset_at_risk` event per video, a
// same-status change written through the lifecycle helper as a stall is, which the outbox delivers as the
// webhook of the same name; checked under the row lock, so two workers never write it twice.
import { changeVideo, withUnfinishedVideo } from '@sora-studio/shared';
import { describeFailure } from '../pipeline/step-errors.ts';
import type { PipelineDeps } from '../video-pipeline.deps.ts';

/** True when this call wrote the event; false when it was written before, or the video has ended or has no deadline. */
export async function warnAssetAtRisk(videoId: string, attempts: number, lastError: unknown, deps: PipelineDeps): Promise<boolean> {
  const outcome = await deps.db.transaction().execute((trx) => withUnfinishedVideo(trx, videoId, async (locked) => {
    const expiresAt = locked.providerExpiresAt;
    if (expiresAt === null) return null;
    const earlier = await trx.selectFrom('videoEvents').select('id')
      .where('videoId', '=', videoId).where('type', '=', 'video.asset_at_risk').limit(1).executeTakeFirst();
    if (earlier) return null;
    const message = `The provider drops its copy at ${expiresAt.toISOString()} and ours has not succeeded after ${attempts} attempt(s): ${describeFailure(lastError).message}`;
    await changeVideo(trx, locked, {}, {
      type: 'video.asset_at_risk',
      data: { provider_expires_at: Math.floor(expiresAt.getTime() / 1000), attempts, message },
    });
    return message;
  }));
  const message = outcome.kind === 'changed' ? outcome.value : null;
  if (message !== null) deps.logger.warn({ attempts, message }, 'video assets at risk: the provider drops its copy soon');
  return message !== null;
}
