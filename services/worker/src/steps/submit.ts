// Submit: hands a video to the provider exactly once. The attempt is claimed (owner's cap, cancel) and counted
// before the call, the provider's id is saved the moment it answers, and the call carries
// `Idempotency-Key: <video id>`, so a crash between the two is retried into the same provider video, never a second one.
import { basename } from 'node:path';
import { findVideo, lockVideo, updateVideo, type Video } from '@sora-studio/shared';
import type { ProviderInputReference, ProviderVideo } from '../provider/provider-client.ts';
import { ProviderError } from '../provider/provider-errors.ts';
import type { PipelineDeps } from '../video-pipeline.deps.ts';
import { failVideo, type VideoFailure } from './fail-video.ts';
import { claimSubmit, type SubmitResult } from './submit-claim.ts';

/** A reason to fail the video that no retry can fix, found before the provider is called. */
class SubmitRefused extends Error {
  readonly failure: VideoFailure;

  constructor(failure: VideoFailure) {
    super(failure.message);
    this.failure = failure;
  }
}

export async function submitVideo(videoId: string, deps: PipelineDeps): Promise<SubmitResult> {
  const claim = await claimSubmit(videoId, deps);
  if (claim.kind !== 'claimed') return claim;
  const counted = claim.video;
  deps.logger.info({ attempt: counted.submitAttempts }, 'submitting to the provider');
  let providerVideo: ProviderVideo;
  try {
    providerVideo = await callProvider(counted, deps);
  } catch (error) {
    if (error instanceof SubmitRefused) return done(await failVideo(videoId, error.failure, deps));
    if (error instanceof ProviderError && error.kind === 'terminal') {
      return done(await failVideo(videoId, { code: error.code, message: error.message }, deps));
    }
    throw error;
  }
  return done(await saveProviderVideo(videoId, providerVideo, deps));
}

function done(video: Video): SubmitResult {
  return { kind: 'done', video };
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
  const saved = await deps.db.transaction().execute(async (trx) => {
    const locked = await lockVideo(trx, videoId);
    if (!locked) throw new Error(`Video ${videoId} does not exist`);
    if (locked.providerVideoId) {
      if (locked.providerVideoId !== providerVideo.id) {
        deps.logger.error({ kept: locked.providerVideoId, ignored: providerVideo.id }, 'the provider answered a replayed submit with another video');
      }
      return locked;
    }
    return updateVideo(trx, locked, {
      providerVideoId: providerVideo.id,
      providerStatus: providerVideo.status,
      progress: providerVideo.progress,
      // A cancel or delete that came during the call does not stop it: the provider has the video and bills it,
      // so it is polled to its end like any other. (Only a video never claimed is cancelled at once.)
      ...(locked.status === 'queued' ? { status: 'in_progress' as const } : {}),
    }, { type: 'video.submitted', data: { providerVideoId: providerVideo.id, providerStatus: providerVideo.status, attempt: locked.submitAttempts } });
  });
  deps.logger.info({ providerVideoId: saved.providerVideoId }, 'submitted');
  return saved;
}
