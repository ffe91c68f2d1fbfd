// Submit: hands a video to the provider exactly once. The attempt is claimed (owner's cap, cancel) and counted
// before the call, the provider's id is saved the moment it answers, and the call carries
// `Idempotency-Key: <video id>`, so a crash between the two is retried into the same provider video, never a second one.
import { basename } from 'node:path';
import { changeVideo, findVideo, withUnfinishedVideo, type Video } from '@sora-studio/shared';
import { deliveredShapeOf } from '../pipeline/delivered-price.ts';
import { nextPollDelayMs } from '../pipeline/pipeline-timing.ts';
import { continueWith, FINISHED, type StepOutcome } from '../pipeline/step-outcome.ts';
import type { ProviderInputReference, ProviderVideo } from '../provider/provider-client.ts';
import { ProviderError } from '../provider/provider-errors.ts';
import type { PipelineDeps } from '../video-pipeline.deps.ts';
import { failVideo, type VideoFailure } from './fail-video.ts';
import { claimSubmit } from './submit-claim.ts';

/** A reason to fail the video that no retry can fix, found before the provider is called. */
class SubmitRefused extends Error {
  readonly failure: VideoFailure;

  constructor(failure: VideoFailure) {
    super(failure.message);
    this.failure = failure;
  }
}

/** The video as submit left it, and what the pipeline does next. */
export interface SubmitResult {
  video: Video | null;
  outcome: StepOutcome;
}

/**
 * Submits the video, or cancels it if its owner gave it up, or makes it wait for one of its owner's slots. A
 * terminal provider answer (or a reason found before the call) fails it at once; a retryable one is thrown,
 * for the processor to charge to submit's budget.
 */
export async function submitVideo(videoId: string, deps: PipelineDeps): Promise<SubmitResult> {
  const claim = await claimSubmit(videoId, deps);
  if (claim.kind === 'wait-for-slot') return { video: null, outcome: { kind: 'wait', reason: 'slot', delayMs: claim.delayMs } };
  if (claim.kind === 'no-submit') return afterSubmit(claim.video, deps);
  const counted = claim.video;
  // At debug: the `submitted` info line after the call says the same with its outcome; two lines per submit add only volume.
  deps.logger.debug({ attempt: counted.submitAttempts }, 'submitting to the provider');
  let providerVideo: ProviderVideo;
  try {
    providerVideo = await callProvider(counted, deps);
  } catch (error) {
    if (error instanceof SubmitRefused) return afterSubmit(await failVideo(videoId, error.failure, deps), deps);
    if (error instanceof ProviderError && error.kind === 'terminal') {
      return afterSubmit(await failVideo(videoId, { code: error.code, message: error.message }, deps), deps);
    }
    throw error;
  }
  return afterSubmit(await saveProviderVideo(videoId, providerVideo, deps), deps);
}

/**
 * A video at the provider is polled after the first interval, unless the provider's answer already said it is
 * delivered (a replayed create, or a provider that renders at once): then finalize runs now, in this run. One that
 * ended needs nothing more.
 */
function afterSubmit(video: Video, deps: PipelineDeps): SubmitResult {
  if (video.providerVideoId === null || video.status !== 'in_progress') return { video, outcome: FINISHED };
  if (video.providerStatus === 'completed') return { video, outcome: continueWith(video) };
  return { video, outcome: { kind: 'wait', reason: 'poll', delayMs: nextPollDelayMs(0, deps.config) } };
}

async function callProvider(video: Video, deps: PipelineDeps): Promise<ProviderVideo> {
  const request = { idempotencyKey: video.id };
  if (video.remixedFromVideoId) {
    const source = await findVideo(deps.db, video.remixedFromVideoId);
    if (!source?.providerVideoId) {
      throw new SubmitRefused({ code: 'remix_source_unavailable', message: `Video ${video.remixedFromVideoId} has no provider video to remix.` });
    }
    return deps.provider.remixVideo(source.providerVideoId, video.prompt, request);
  }
  const inputReference = await readInputReference(video, deps);
  return deps.provider.createVideo({
    prompt: video.prompt,
    model: video.model,
    seconds: String(video.seconds),
    size: video.size,
    ...(inputReference ? { inputReference } : {}),
  }, request);
}

async function readInputReference(video: Video, deps: PipelineDeps): Promise<ProviderInputReference | undefined> {
  if (video.inputReferenceUrl) return { kind: 'url', imageUrl: video.inputReferenceUrl };
  if (!video.inputReferenceKey) return undefined;
  const key = video.inputReferenceKey;
  const stat = await deps.storage.stat(key);
  if (!stat) throw new SubmitRefused({ code: 'input_reference_unavailable', message: 'The uploaded input_reference image is no longer stored.' });
  return { kind: 'file', body: await deps.storage.get(key), filename: basename(key), contentType: stat.contentType };
}

/** Nothing happens between the provider's answer and this save: the id is what lets us poll, and pay. */
async function saveProviderVideo(videoId: string, providerVideo: ProviderVideo, deps: PipelineDeps): Promise<Video> {
  const outcome = await deps.db.transaction().execute((trx) => withUnfinishedVideo(trx, videoId, async (locked) => {
    if (locked.providerVideoId) {
      if (locked.providerVideoId !== providerVideo.id) {
        deps.logger.error({ kept: locked.providerVideoId, ignored: providerVideo.id }, 'the provider answered a replayed submit with another video');
      }
      return locked;
    }
    // A cancel or delete that came during the call does not stop it: the provider has the video and bills it,
    // so it is polled to its end like any other. (Only a video never claimed is cancelled at once.)
    return changeVideo(trx, locked, {
      providerVideoId: providerVideo.id,
      providerStatus: providerVideo.status,
      progress: providerVideo.progress,
      lastProgressAt: deps.clock(),
      // A replayed create (after a crash or an outage between the call and this save) can answer with the video
      // already delivered: record what it delivered, as the poll would, or finalize finds nothing to price.
      ...(providerVideo.status === 'completed' ? deliveredShapeOf(providerVideo) : {}),
      status: 'in_progress',
    }, { type: 'video.submitted', data: { provider_video_id: providerVideo.id, provider_status: providerVideo.status, attempt: locked.submitAttempts } });
  }));
  const saved = outcome.kind === 'finished' ? outcome.video : outcome.value;
  deps.logger.info({ providerVideoId: saved.providerVideoId, attempt: saved.submitAttempts }, 'submitted');
  return saved;
}
