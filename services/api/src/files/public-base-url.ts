// Where a client reaches this API, for the signed /files URLs we hand it: PUBLIC_BASE_URL when the deployment
// says (behind a proxy, say), else the origin the request itself came to. The Host header is the client's to
// write, so only a plain host[:port] is put into a URL; anything else is a 400 rather than a URL of its making.
import type { FastifyRequest } from 'fastify';
import { InvalidRequestError } from '@sora-studio/shared';

/** A DNS name or IPv4 address, or a bracketed IPv6 literal, and an optional port. */
const HOST_SHAPE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

export function publicBaseUrl(request: FastifyRequest, configured: string | undefined): string {
  if (configured !== undefined) return configured.replace(/\/+$/, '');
  const host = request.host;
  if (!HOST_SHAPE.test(host)) {
    throw new InvalidRequestError('The Host header must be a host name or address with an optional port.', { param: 'Host', code: 'invalid_host_header' });
  }
  return `${request.protocol}://${host}`;
}
