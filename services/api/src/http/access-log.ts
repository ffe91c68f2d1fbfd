// One access line per request, written when it ends: method, URL (redacted by the logger's `req` serializer),
// status, time, and the request id, user and video the request's logger carries by then. Fastify's own
// `incoming request` line is not written: it would double the lines of every request (a synchronous write
// each) and, written before authentication, it could not name the user anyway.
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

export class AccessLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}
