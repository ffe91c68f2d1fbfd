// Requests that Node's HTTP parser refuses never reach Fastify's routing or error handler: a raw NUL in the
// request line, a duplicate Content-Length, Content-Length with chunked encoding, a bad chunk size, headers
// or a URL over the size limit. This answers them on the socket itself, in OpenAI's error shape like every
// other error, then closes the connection, whose framing can no longer be trusted.
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import { newId, type ErrorBody } from '@sora-studio/shared';

interface ClientError extends Error {
  code?: string;
}

function answerFor(error: ClientError): { status: number; body: ErrorBody } {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, body: { error: { message: 'The request headers (or the URL) are larger than this server accepts.', type: 'invalid_request_error', param: null, code: 'request_header_too_large' } } };
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: 408, body: { error: { message: 'The request took too long to arrive.', type: 'invalid_request_error', param: null, code: 'request_timeout' } } };
  }
  return { status: 400, body: { error: { message: 'The HTTP request is malformed and could not be parsed.', type: 'invalid_request_error', param: null, code: 'invalid_http_request' } } };
}

/** Fastify's `clientErrorHandler`. */
export function answerClientError(error: ClientError, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const { status, body } = answerFor(error);
    const json = JSON.stringify(body);
    socket.write([
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(json)}`,
      `x-request-id: ${newId('req')}`,
      // What plugins/security-headers.ts sets on every other answer that can matter for a bare error.
      'X-Content-Type-Options: nosniff',
      'Cache-Control: no-store',
      'Connection: close',
      '',
      json,
    ].join('\r\n'));
  }
  socket.destroy(error);
}
