// The one mapping from a thrown error to OpenAI's error answer `{error: {message, type, param, code}}`.
import { AppError } from '@sora-studio/shared';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { EmulatedFailure } from '../faults/create-faults.ts';

export function sendError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof EmulatedFailure) {
    void reply.code(error.status).headers(error.headers).send(error.body);
  } else if (error instanceof AppError) {
    void reply.code(error.status).headers(error.headers).send(error.toBody());
  } else if (isClientError(error)) {
    // Fastify's and @fastify/multipart's own refusals: malformed JSON, unsupported media type, body too large…
    const body = { error: { message: error.message, type: 'invalid_request_error', param: null, code: error.code.toLowerCase() } };
    void reply.code(error.statusCode).send(body);
  } else {
    request.log.error({ err: error }, 'unexpected error');
    const message = `The server had an error while processing your request (request id ${request.id}).`;
    void reply.code(500).send({ error: { message, type: 'server_error', param: null, code: null } });
  }
}

function isClientError(error: Error): error is FastifyError & { statusCode: number } {
  const { statusCode, code } = error as Partial<FastifyError>;
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500 && typeof code === 'string';
}
