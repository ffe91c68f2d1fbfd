// Fault directives steer the emulator from a test or a demo: `[[emulator:fail=moderation]]` in a prompt (it passes
// through our API unchanged), or the same directives in the `x-emulator-fault` header or EMULATOR_FAULT, where the
// brackets are optional. Several directives are separated by `;` or spaces. Keys are the directive names as written.
import { InvalidRequestError } from '@sora-studio/shared';
import { z } from 'zod';

const count = z.coerce.number().int().min(0).max(1_000_000);
const millis = z.coerce.number().int().min(0).max(3_600_000);
/** Two GiB: a big video, and still a 32-bit `free` box size. */
export const MAX_ASSET_BYTES = 2 * 1024 * 1024 * 1024;

export const FaultDirectivesSchema = z.strictObject({
  /** The video is accepted, then fails: `moderation` → moderation_blocked, `error` → internal_error. */
  fail: z.enum(['moderation', 'error']).optional(),
  /** The first N creates of this prompt answer 429. */
  rate_limit: count.optional(),
  /** The first N creates of this prompt (after any rate limiting) answer 500. */
  server_error: count.optional(),
  /** The video stays in_progress forever. */
  stall: z.literal(true).optional(),
  /** Every response about this video waits this long. */
  latency: millis.optional(),
  /** Time from queued to completed. */
  render_ms: millis.optional(),
  /**
   * Downloads expire this many seconds after the video completes (its `expires_at`), instead of the server's
   * EMULATOR_ASSET_TTL_SECONDS; then the content route answers 404 `video_expired`. 0 expires them at once.
   */
  asset_ttl_s: z.coerce.number().int().min(0).max(30 * 24 * 3600).optional(),
  /** The first N content downloads of this video (any variant, counted together) answer 500. */
  download_fail: count.optional(),
  /**
   * The next N downloads (after any download_fail) send the headers with the full Content-Length, then half the
   * body, then the connection is destroyed: a transfer cut mid-body.
   */
  download_cut: count.optional(),
  /**
   * The video variant is exactly N bytes: the rendered MP4 followed by a top-level `free` box (zeros) that players
   * skip, streamed, never held in memory. N must leave room for the rendered MP4 and the box's 8-byte header, else
   * the download answers 400 `invalid_emulator_directive`.
   */
  asset_bytes: z.coerce.number().int().min(0).max(MAX_ASSET_BYTES).optional(),
  /** Download bodies (every variant) are sent at about B bytes per second, as fast as the client reads at most. */
  download_rate: z.coerce.number().int().min(1).max(10 * 1024 * 1024 * 1024).optional(),
});

export type FaultDirectives = z.infer<typeof FaultDirectivesSchema>;
/** Directives with the server's defaults filled in, as a video keeps them. */
export type ResolvedDirectives = FaultDirectives & { latency: number; render_ms: number };

const BRACKETED = /\[\[emulator:([^\]]*)\]\]/g;

/**
 * Reads the directives in `text`. In a prompt only bracketed directives count, so ordinary words never trigger a
 * fault; a header or the environment may also give them bare (`rate_limit=2; latency=100`).
 */
export function parseFaultDirectives(text: string, source: { param: string | null; bracketsOnly: boolean }): FaultDirectives {
  const bracketed = [...text.matchAll(BRACKETED)].map((match) => match[1] ?? '');
  const lists = bracketed.length > 0 || source.bracketsOnly ? bracketed : [text];
  const tokens = lists.join(' ').split(/[;\s]+/).filter(Boolean);
  // fromEntries defines own properties, so a token named __proto__ is just an unknown directive.
  const directives = Object.fromEntries(tokens.map((token) => {
    const [name = '', value] = token.split('=', 2);
    return [name, value ?? true];
  }));
  const parsed = FaultDirectivesSchema.safeParse(directives);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue?.path.join('.');
  throw new InvalidRequestError(`Invalid emulator directive '${where}': ${issue?.message ?? 'not understood'}.`, {
    param: source.param,
    code: 'invalid_emulator_directive',
  });
}

/** Later layers win: the server's defaults, then a video's prompt, then the request's header. */
export function layerDirectives(base: ResolvedDirectives, ...layers: FaultDirectives[]): ResolvedDirectives {
  return layers.reduce<ResolvedDirectives>((merged, layer) => ({ ...merged, ...layer }), base);
}
