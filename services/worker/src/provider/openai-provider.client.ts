// The ProviderClient over the official `openai` SDK. The SDK's own retries are off (maxRetries 0): retrying
// is the pipeline processor's job, per step and within the step's budget, as a delayed job that survives a restart.
import OpenAI, { toFile } from 'openai';
import type { Video, VideoCreateParams, VideoSeconds, VideoSize } from 'openai/resources/videos';
import type { VideoVariant } from '@sora-studio/shared';
import type { IdempotentRequest, ProviderClient, ProviderContent, ProviderInputReference, ProviderVideo } from './provider-client.ts';
import { classifyProviderError, ProviderError } from './provider-errors.ts';

export interface OpenAiProviderOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
}

const FALLBACK_CONTENT_TYPES: Record<VideoVariant, string> = {
  video: 'video/mp4',
  thumbnail: 'image/jpeg',
  spritesheet: 'image/jpeg',
};

export function createOpenAiProvider(opts: OpenAiProviderOptions): ProviderClient {
  const client = new OpenAI({ baseURL: opts.baseUrl, apiKey: opts.apiKey, timeout: opts.timeoutMs, maxRetries: 0 });
  // The SDK's `idempotencyKey` request option is inert unless the client declares a header for it, which
  // OpenAI's client does not; the header is set by hand.
  const idempotent = (request: IdempotentRequest) => ({ headers: { 'Idempotency-Key': request.idempotencyKey } });

  return {
    createVideo: (input, request) => classified(async () => {
      const body: VideoCreateParams = {
        prompt: input.prompt,
        model: input.model,
        // The catalogue may allow durations and sizes newer than the SDK's literal types.
        seconds: input.seconds as VideoSeconds,
        size: input.size as VideoSize,
      };
      if (input.inputReference) body.input_reference = await toInputReference(input.inputReference);
      return toProviderVideo(await client.videos.create(body, idempotent(request)));
    }),
    retrieveVideo: (providerVideoId) => classified(async () => toProviderVideo(await client.videos.retrieve(providerVideoId))),
    downloadContent: (providerVideoId, variant) => classified(async (): Promise<ProviderContent> => {
      const response = await client.videos.downloadContent(providerVideoId, { variant });
      if (!response.body) throw new Error(`The provider sent no body for the ${variant} of ${providerVideoId}`);
      const length = response.headers.get('content-length');
      return {
        body: bodyOf(response, `${variant} of ${providerVideoId}`),
        contentType: response.headers.get('content-type') ?? FALLBACK_CONTENT_TYPES[variant],
        contentLength: length === null ? null : Number(length),
      };
    }),
    remixVideo: (providerVideoId, prompt, request) => classified(async () =>
      toProviderVideo(await client.videos.remix(providerVideoId, { prompt }, idempotent(request)))),
  };
}

/**
 * The response's body, read through a generator that holds the Response itself. undici cancels the body of a
 * Response that is garbage-collected before its body is read (a FinalizationRegistry), and the stream is not
 * read until storage has opened its file: returning `response.body` alone let a busy process collect the
 * Response in that window, and the download ended early with 0 bytes. A read that fails is a ProviderError, as
 * every other failure of this client is, so finalize's budget pays for it.
 */
async function* bodyOf(response: Response, what: string): AsyncGenerator<Uint8Array> {
  const body = response.body!;
  try {
    for await (const chunk of body) yield chunk;
  } catch (error) {
    // The connection dropped mid-body (undici's "terminated"): the provider's failure, retried like any other.
    throw new ProviderError('retryable', { status: null, code: 'download_interrupted', message: `The download of the ${what} was cut off: ${(error as Error).message}`, cause: error });
  }
}

async function classified<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw classifyProviderError(error);
  }
}

async function toInputReference(reference: ProviderInputReference): Promise<VideoCreateParams['input_reference']> {
  if (reference.kind === 'url') return { image_url: reference.imageUrl };
  return toFile(reference.body, reference.filename, { type: reference.contentType });
}

function toProviderVideo(video: Video): ProviderVideo {
  return {
    id: video.id,
    status: video.status,
    progress: video.progress,
    seconds: video.seconds,
    size: video.size,
    error: video.error ? { code: video.error.code, message: video.error.message } : null,
    // Unix seconds; a provider that sends nothing (or nonsense) leaves the deadline unknown, not at 1970.
    expiresAt: typeof video.expires_at === 'number' && video.expires_at > 0 ? new Date(video.expires_at * 1000) : null,
  };
}
