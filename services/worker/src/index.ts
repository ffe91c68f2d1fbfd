// The worker as a library: start it in-process (tests, the bench) or call one step directly.
export { startWorkers, type RunningWorkers, type WorkerDeps } from './start-workers.ts';
export { createOpenAiProvider, type OpenAiProviderOptions } from './provider/openai-provider.client.ts';
export type { ProviderClient, ProviderVideo } from './provider/provider-client.ts';
export { ProviderError, classifyProviderError } from './provider/provider-errors.ts';
export type { PipelineDeps, DriveOutcome } from './video-pipeline.deps.ts';
export { driveVideo } from './steps/drive-video.ts';
export { reconcileVideos } from './steps/reconcile.ts';
export { submitVideo } from './steps/submit.ts';
export type { SubmitResult } from './steps/submit-claim.ts';
