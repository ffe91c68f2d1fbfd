// HTTP/1.1 requires a Host header. Node would refuse a request without one itself, with a bare 400 outside
// Fastify (no JSON body, none of our headers), so app.ts turns Node's check off and it is made here instead,
// first of all hooks, answering in OpenAI's error shape like every other 400. HTTP/1.0 has no Host to require.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { InvalidRequestError } from '@sora-studio/shared';

/** For Fastify's `http` option: Node's own check off, since the hook below makes it. */
export const NODE_HTTP_OPTIONS = { requireHostHeader: false };

export const hostHeaderPlugin = fp((app: FastifyInstance) => {
  app.addHook('onRequest', async (request) => {
    const { httpVersionMajor, httpVersionMinor, headers } = request.raw;
    if (httpVersionMajor === 1 && httpVersionMinor >= 1 && !headers.host) {
      throw new InvalidRequestError('An HTTP/1.1 request needs a Host header.', { param: 'Host', code: 'missing_host_header' });
    }
  });
}, { name: 'host-header' });
