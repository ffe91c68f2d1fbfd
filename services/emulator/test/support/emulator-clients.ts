// What the emulator's tests share: an openai SDK client and a raw fetch against a running emulator, and a wait for
// a video to reach a status.
import type { ErrorBodySchema } from '@sora-studio/shared';
import { waitFor } from '@sora-studio/testkit';
import OpenAI from 'openai';
import type { z } from 'zod';
import type { RunningEmulator } from '../../src/index.ts';

export const API_KEY = 'sk-emulator-test';

/** maxRetries 0, so a test sees each 429 or 500 itself. */
export function sdkClient(emulator: RunningEmulator, options: { maxRetries?: number; apiKey?: string } = {}): OpenAI {
  return new OpenAI({ apiKey: options.apiKey ?? API_KEY, baseURL: emulator.baseUrl, maxRetries: options.maxRetries ?? 0 });
}

/** A request the SDK would not send as is: JSON bodies, odd headers, no auth. */
export function rawRequest(emulator: RunningEmulator, path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (!headers.has('authorization')) headers.set('authorization', `Bearer ${API_KEY}`);
  if (json !== undefined) headers.set('content-type', 'application/json');
  return fetch(`${emulator.baseUrl}${path}`, { ...rest, headers, ...(json === undefined ? {} : { body: JSON.stringify(json) }) });
}

/** The body of a raw response, typed as the caller expects it to be. */
export async function jsonOf<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

export async function errorOf(response: Response): Promise<z.infer<typeof ErrorBodySchema>['error']> {
  return (await jsonOf<z.infer<typeof ErrorBodySchema>>(response)).error;
}

export function waitForStatus(client: OpenAI, videoId: string, status: 'completed' | 'failed'): Promise<OpenAI.Videos.Video> {
  return waitFor(async () => {
    const video = await client.videos.retrieve(videoId);
    return video.status === status && video;
  }, { timeoutMs: 10_000, intervalMs: 20, what: `video ${videoId} to be ${status}` });
}
