// Requests that Node's HTTP parser refuses never reach Fastify's routing or error handler: a raw NUL in the
// request line, a duplicate Content-Length, Content-Length with chunked encoding, a bad chunk size, headers
// or a URL over the size limit. Nor does CONNECT, which Node hands to a 'connect' listener (and, without one,
// drops the connection unanswered). These are answered on the socket itself, in OpenAI's error shape like
// every other error, then the connection is closed, as its framing can no longer be trusted.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import { newId, type ErrorBody } from '@sora-studio/shared';
import { SECURITY_HEADERS } from '../plugins/security-headers.ts';

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

/** Writes one complete error answer on a socket no framework will answer on; the caller closes it. */
function writeRawError(socket: Duplex, status: number, body: ErrorBody, extraHeaders: string[] = []): void {
  if (!socket.writable) return;
  const json = JSON.stringify(body);
  socket.write([
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(json)}`,
    `x-request-id: ${newId('req')}`,
    // The same hardening headers as every other answer (plugins/security-headers.ts).
    ...Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}`),
    ...extraHeaders,
    'Connection: close',
    '',
    json,
  ].join('\r\n'));
}

/** Fastify's `clientErrorHandler`. */
export function answerClientError(error: ClientError, socket: Duplex): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, body } = answerFor(error);
  writeRawError(socket, status, body);
  socket.destroy(error);
}

/** This API is no proxy: CONNECT (a tunnel request) is a 405 like any other method no route has. */
export function refuseConnect(server: Server): void {
  server.on('connect', (_request: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => { socket.destroy(); });
    writeRawError(socket, 405, {
      error: { message: 'The CONNECT method is not supported: this server is not a proxy.', type: 'invalid_request_error', param: null, code: 'method_not_allowed' },
    }, ['Allow: GET, POST, PATCH, DELETE']);
    socket.end();
  });
}
