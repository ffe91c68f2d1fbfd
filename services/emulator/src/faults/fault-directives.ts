// Fault directives steer the emulator from a test or a demo: `[[emulator:fail=moderation]]` in a prompt (it passes
// through our API unchanged), or the same directives in the `x-emulator-fault` header or EMULATOR_FAULT, where the
// brackets are optional. Several directives are separated by `;` or spaces. Keys are the directive names as written.
import { InvalidRequestError } from '@sora-studio/shared';
import { z } from 'zod';

const count = z.coerce.number().int().min(0).max(1_000_000);
const millis = z.coerce.number().int().min(0).max(3_600_000);

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
