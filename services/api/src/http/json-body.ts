// JSON request bodies: UTF-8 only, and an empty one is no body at all. OpenAI's docs send bodiless POSTs
// (cancel, revoke) with `Content-Type: application/json` and nothing after it; such a request answers as if
// the header were absent, while a route that needs a body still refuses the missing one in its schema.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { HttpError } from '../errors/http-error.ts';

/** The `charset` of a Content-Type header, lower-cased; null when none is given. */
export function charsetOf(contentType: string | undefined): string | null {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match ? match[1]!.toLowerCase() : null;
}

const UTF8_NAMES = new Set(['utf-8', 'utf8']);

export const jsonBodyPlugin = fp((app: FastifyInstance, { bodyLimit }: { bodyLimit: number }) => {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (request, body, done) => {
    const charset = charsetOf(request.headers['content-type']);
    if (charset !== null && !UTF8_NAMES.has(charset)) {
      done(new HttpError(415, `Unsupported charset '${charset.slice(0, 40)}': JSON bodies must be UTF-8.`, { code: 'unsupported_media_type' }), undefined);
      return;
    }
    if (body === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, body as string, done);
  });
}, { name: 'json-body' });
