// What the worker needs from a video provider that speaks the OpenAI Videos API. Every method throws only
// ProviderError (provider-errors.ts), so callers decide on retryable versus terminal and nothing else.
import type { VideoVariant } from '@sora-studio/shared';

export type ProviderVideoStatus = 'queued' | 'in_progress' | 'completed' | 'failed';

export interface ProviderVideo {
  id: string;
  status: ProviderVideoStatus;
  progress: number;
  /** What the provider renders (or rendered): settlement prices these, not what was requested. */
  seconds: string;
  size: string;
  error: { code: string; message: string } | null;
  /** When the provider drops its downloads of a completed video (OpenAI's `expires_at`); null when it says nothing. */
  expiresAt: Date | null;
}

export type ProviderInputReference =
  | { kind: 'url'; imageUrl: string }
  | { kind: 'file'; body: AsyncIterable<Uint8Array>; filename: string; contentType: string };

export interface CreateProviderVideoInput {
  prompt: string;
  model: string;
  seconds: string;
  size: string;
  inputReference?: ProviderInputReference;
}

/** Sent as `Idempotency-Key`, so a replayed submit gets the first provider video back. */
export interface IdempotentRequest {
  idempotencyKey: string;
}

export interface ProviderContent {
  body: AsyncIterable<Uint8Array>;
  contentType: string;
  /** The Content-Length the provider announced, to tell a complete download from a cut one; null if none. */
  contentLength: number | null;
}

export interface ProviderClient {
  createVideo(input: CreateProviderVideoInput, request: IdempotentRequest): Promise<ProviderVideo>;
  retrieveVideo(providerVideoId: string): Promise<ProviderVideo>;
  downloadContent(providerVideoId: string, variant: VideoVariant): Promise<ProviderContent>;
  remixVideo(providerVideoId: string, prompt: string, request: IdempotentRequest): Promise<ProviderVideo>;
}
