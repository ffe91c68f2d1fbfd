// The worker as a library: start it in-process (tests, the bench) or call one step directly.
export { startWorkers, type RunningWorkers, type WorkerDeps } from './start-workers.ts';
export { createOpenAiProvider, type OpenAiProviderOptions } from './provider/openai-provider.client.ts';
export type { ProviderClient, ProviderVideo } from './provider/provider-client.ts';
export { ProviderError, classifyProviderError } from './provider/provider-errors.ts';
export type { PipelineDeps } from './video-pipeline.deps.ts';
export { createSlotWaiters, slotWaitersKey, type SlotWaiters } from './slots/slot-waiters.ts';
export { nextStep, type PipelineStep } from './pipeline/next-step.ts';
export type { StepOutcome, StepRun } from './pipeline/step-outcome.ts';
export { advanceVideo } from './pipeline/advance-video.ts';
export { reconcileVideos, type ReconcileRun } from './reconciler/reconcile.ts';
export { sweepExpiredAssets, type AssetSweepRun } from './sweepers/asset-retention.sweeper.ts';
export { sweepOrphanUploads, type OrphanUploadSweepRun } from './sweepers/orphan-upload.sweeper.ts';
export { submitVideo, type SubmitResult } from './steps/submit.ts';
export { relayVideoEvents, startVideoEventRelay, type RunningRelay, type VideoEventRelayDeps } from './events/video-event-relay.ts';
