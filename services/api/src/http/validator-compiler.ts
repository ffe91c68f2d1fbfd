// Every request part that has a schema (body, query string, path, headers) is checked here, once, before zod
// parses it, so no route and no schema has to remember these rules:
// - text must be well-formed Unicode without NUL: Postgres text cannot hold U+0000, and jsonb refuses `\u0000`
//   and a lone UTF-16 surrogate (`\ud800`, which JSON can spell) — a 500 otherwise; a text column would
//   silently store U+FFFD instead of what was sent. Keys are held to it as well as values;
// - a query parameter is given once: `limit=10&limit=20` would reach the schema as an array.
// Then zod parses, and its first issue becomes the 400 naming the field (errors/validation-error.ts).
import type { FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';
import { InvalidRequestError } from '@sora-studio/shared';
import { paramName } from '../errors/param-name.ts';
import { partName, validationError } from '../errors/validation-error.ts';

type Segment = string | number;
type TextDefect = 'nul' | 'malformed';

function defectOf(text: string): TextDefect | null {
  if (text.includes('\0')) return 'nul';
  return text.isWellFormed() ? null : 'malformed';
}

/** A place in a parsed body: its last segment and the place holding it, so no level copies the path above it. */
interface Place { segment: Segment; parent: Place | null }

function pathOf(place: Place | null): Segment[] {
  const path: Segment[] = [];
  for (let at = place; at !== null; at = at.parent) path.push(at.segment);
  return path.reverse();
}

/** The first string (or key) that Postgres cannot store as sent: the path to it, or to the object holding the key. */
export function findBadText(value: unknown): { path: Segment[]; defect: TextDefect } | null {
  // Iterative, so a deeply nested body cannot exhaust the stack; linear in the body's size at any depth.
  const pending: { value: unknown; place: Place | null }[] = [{ value, place: null }];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (typeof next.value === 'string') {
      const defect = defectOf(next.value);
      if (defect) return { path: pathOf(next.place), defect };
      continue;
    }
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (Array.isArray(next.value)) {
      next.value.forEach((item, index) => pending.push({ value: item, place: { segment: index, parent: next.place } }));
      continue;
    }
    for (const [key, item] of Object.entries(next.value)) {
      const defect = defectOf(key);
      if (defect) return { path: pathOf(next.place), defect };
      pending.push({ value: item, place: { segment: key, parent: next.place } });
    }
  }
  return null;
}

/** A key the schema would refuse anyway may be huge: the field is named up to the last key of a sane length. */
const MAX_NAMED_KEY_CHARS = 64;

const DEFECT_MESSAGES: Record<TextDefect, string> = {
  nul: 'text must not contain the NUL character (U+0000)',
  malformed: 'text must be well-formed Unicode: it holds a lone UTF-16 surrogate (U+D800 to U+DFFF), which cannot be stored',
};

function badTextError(path: Segment[], defect: TextDefect, httpPart: string | undefined): InvalidRequestError {
  const tooLong = path.findIndex((segment) => String(segment).length > MAX_NAMED_KEY_CHARS);
  const param = paramName(tooLong === -1 ? path : path.slice(0, tooLong));
  const where = param === null ? `the ${partName(httpPart)}` : `'${param}'`;
  return new InvalidRequestError(`Invalid value for ${where}: ${DEFECT_MESSAGES[defect]}.`, { param, code: 'invalid_value' });
}

/** The first query parameter given more than once (the query parser makes it an array); none of ours is a list. */
function repeatedQueryParameter(query: unknown): string | null {
  if (typeof query !== 'object' || query === null) return null;
  const repeated = Object.entries(query).find(([, value]) => Array.isArray(value));
  return repeated ? repeated[0] : null;
}

export const validatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart }) => (data: unknown) => {
  const badText = findBadText(data);
  if (badText !== null) return { error: badTextError(badText.path, badText.defect, httpPart) };
  if (httpPart === 'querystring') {
    const repeated = repeatedQueryParameter(data);
    if (repeated !== null) {
      const param = repeated.length > MAX_NAMED_KEY_CHARS ? null : repeated;
      return { error: new InvalidRequestError(`Query parameter ${param === null ? '' : `'${param}' `}may be given only once.`, { param, code: 'duplicate_parameter' }) };
    }
  }
  const result = schema.safeParse(data);
  if (!result.success) return { error: validationError(result.error.issues[0]!, httpPart) };
  return { value: result.data };
};
