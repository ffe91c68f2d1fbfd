// A real provider client that also notes when each call was made and how it ended, so a test can read the
// provider lane's pace. It changes nothing about the calls.
import type { VideoVariant } from '@sora-studio/shared';
import { ProviderError, type ProviderClient } from '../../src/index.ts';
import type { IdempotentRequest } from '../../src/provider/provider-client.ts';

type CreateInput = Parameters<ProviderClient['createVideo']>[0];

export interface ProviderCall {
  method: keyof ProviderClient;
  /** Date.now() when the call was made. */
  startedAt: number;
  /** Date.now() when it answered or failed; null while in flight. */
  endedAt: number | null;
  /** The HTTP status of a failure; null for a success or while in flight. */
  errorStatus: number | null;
  /** The prompt of a create, to tell the videos apart. */
  prompt: string | null;
}

export function recordingProvider(inner: ProviderClient, calls: ProviderCall[]): ProviderClient {
  function record<A extends unknown[], R>(method: keyof ProviderClient, run: (...args: A) => Promise<R>, promptOf: (...args: A) => string | null) {
    return async (...args: A): Promise<R> => {
      const call: ProviderCall = { method, startedAt: Date.now(), endedAt: null, errorStatus: null, prompt: promptOf(...args) };
      calls.push(call);
      try {
        return await run(...args);
      } catch (error) {
        call.errorStatus = error instanceof ProviderError ? error.status : null;
        throw error;
      } finally {
        call.endedAt = Date.now();
      }
    };
  }
  return {
    createVideo: record('createVideo', (input: CreateInput, request: IdempotentRequest) => inner.createVideo(input, request), (input) => input.prompt),
    retrieveVideo: record('retrieveVideo', (id: string) => inner.retrieveVideo(id), () => null),
    downloadContent: record('downloadContent', (id: string, variant: VideoVariant) => inner.downloadContent(id, variant), () => null),
    remixVideo: record('remixVideo', (id: string, prompt: string, request: IdempotentRequest) => inner.remixVideo(id, prompt, request), (_id, prompt) => prompt),
  };
}
