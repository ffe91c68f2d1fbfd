// Postgres text cannot hold U+0000 (jsonb refuses `\u0000` too), so a NUL anywhere in what a client sends
// would reach the database as a 500. Every request part that has a schema (body, query string, path, headers)
// is checked here, once, before zod parses it: no route and no schema has to remember it.
import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler as zodValidatorCompiler } from 'fastify-type-provider-zod';
import { InvalidRequestError } from '@sora-studio/shared';
import { paramName } from '../errors/param-name.ts';

type Segment = string | number;

/** Where the first NUL is: the path to the string holding it, or to the object one of whose keys holds it. */
export function findNul(value: unknown): Segment[] | null {
  // Iterative, so a deeply nested body cannot exhaust the stack.
  const pending: { value: unknown; path: Segment[] }[] = [{ value, path: [] }];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (typeof next.value === 'string') {
      if (next.value.includes('\0')) return next.path;
      continue;
    }
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (Array.isArray(next.value)) {
      next.value.forEach((item, index) => pending.push({ value: item, path: [...next.path, index] }));
      continue;
    }
    for (const [key, item] of Object.entries(next.value)) {
      if (key.includes('\0')) return next.path;
      pending.push({ value: item, path: [...next.path, key] });
    }
  }
  return null;
}

const PART_NAMES: Record<string, string> = { body: 'request body', querystring: 'query string', params: 'path', headers: 'headers' };

/** A key the schema would refuse anyway may be huge: the field is named up to the last key of a sane length. */
const MAX_NAMED_KEY_CHARS = 64;

function nulError(path: Segment[], httpPart: string | undefined): InvalidRequestError {
  const tooLong = path.findIndex((segment) => String(segment).length > MAX_NAMED_KEY_CHARS);
  const param = paramName(tooLong === -1 ? path : path.slice(0, tooLong));
  const where = param === null ? `the ${PART_NAMES[httpPart ?? 'body'] ?? 'request'}` : `'${param}'`;
  return new InvalidRequestError(`Invalid value for ${where}: text must not contain the NUL character (U+0000).`, { param, code: 'invalid_value' });
}

/** fastify-type-provider-zod's compiler, behind the NUL check. */
export const validatorCompiler: FastifySchemaCompiler<unknown> = (route) => {
  const validate = zodValidatorCompiler(route as Parameters<typeof zodValidatorCompiler>[0]);
  return (data: unknown) => {
    const nulAt = findNul(data);
    if (nulAt !== null) return { error: nulError(nulAt, route.httpPart) };
    return validate(data);
  };
};
