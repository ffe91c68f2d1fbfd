// Closing the API without pulling Redis and Postgres from under requests that are still running.
//
// Fastify's close() answers new requests on open connections with 503 and `Connection: close`
// (return503OnClosing), stops accepting connections and waits for the open ones to end, and only then runs the
// onClose hooks, after which server.ts closes the queues, Redis and Postgres. But it waits for connections, not
// for requests: a client that gives up mid-request (a load generator ending its run, a balancer's timeout)
// takes its connection with it, while the handler it started still runs its transaction, its enqueue, its
// idempotency release, against connections about to close. So every request is counted from its arrival until
// its answer is handed to Node ('prefinish', which fires even when the socket is already gone), and the close
// waits for that count to reach zero, up to a deadline, before Fastify closes the server.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, FastifyTypeProvider } from 'fastify';

/**
 * How long a stop waits for requests in flight. Under the 10 s that `npm start` (scripts/stack/processes.ts)
 * and Docker give a process between SIGTERM and SIGKILL, with room to close the queues, Redis and Postgres.
 */
export const REQUEST_DRAIN_DEADLINE_MS = 8_000;

export interface RequestDrainOptions {
  deadlineMs?: number | undefined;
}

/** Fastify reads a body for these (see its handle-request.js); a GET's handler runs without one. */
function expectsBody(request: IncomingMessage): boolean {
  if (request.method === 'GET' || request.method === 'HEAD') return false;
  return request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
}

class InFlightRequests {
  #running = new Set<IncomingMessage>();
  /** Between preParsing and preValidation: what the request does next depends on its body arriving. */
  #readingBody = new WeakSet<IncomingMessage>();
  /** The connection closed (before or after the answer). */
  #clientGone = new WeakSet<IncomingMessage>();
  #waiters: Array<() => void> = [];

  get count(): number { return this.#running.size; }

  track(server: Server): void {
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      // Fastify's listener ran first: a 503 while closing is already answered.
      if (response.writableEnded) return;
      this.#running.add(request);
      response.once('prefinish', () => this.#finish(request));
      // A body whose client is gone never arrives, and Fastify waits for it without end: that request will do
      // nothing more, so it is not waited for.
      response.once('close', () => {
        this.#clientGone.add(request);
        if (this.#readingBody.has(request)) this.#finish(request);
      });
    });
  }

  startsReadingBody(request: FastifyRequest): void {
    if (!expectsBody(request.raw)) return;
    if (this.#clientGone.has(request.raw)) this.#finish(request.raw);
    else this.#readingBody.add(request.raw);
  }

  hasBody(request: FastifyRequest): void {
    this.#readingBody.delete(request.raw);
  }

  idle(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => { this.#waiters.push(resolve); });
  }

  #finish(request: IncomingMessage): void {
    if (!this.#running.delete(request) || this.count > 0) return;
    for (const wake of this.#waiters) wake();
    this.#waiters = [];
  }
}

/**
 * Makes `app.close()` wait for the requests in flight (up to `deadlineMs`) before the server closes and the
 * onClose hooks run. Call it after registering every other plugin: preClose hooks run parent first, then each
 * child in the order registered, so the event streams' own preClose (which ends those long-lived answers) runs
 * before this one waits.
 */
export function drainRequestsOnClose<Logger extends FastifyBaseLogger, TypeProvider extends FastifyTypeProvider>(
  app: FastifyInstance<Server, IncomingMessage, ServerResponse, Logger, TypeProvider>,
  opts: RequestDrainOptions = {},
): void {
  const deadlineMs = opts.deadlineMs ?? REQUEST_DRAIN_DEADLINE_MS;
  const inFlight = new InFlightRequests();
  inFlight.track(app.server);
  // Callback hooks: every request runs them, and they need no promise of their own.
  app.addHook('preParsing', (request, _reply, payload, done) => {
    inFlight.startsReadingBody(request);
    done(null, payload);
  });
  app.addHook('preValidation', (request, _reply, done) => {
    inFlight.hasBody(request);
    done();
  });
  app.register(async (last) => {
    last.addHook('preClose', async () => {
      if (inFlight.count === 0) return;
      const started = inFlight.count;
      const outcome = await Promise.race([inFlight.idle().then(() => 'drained' as const), sleep(deadlineMs, 'deadline' as const, { ref: false })]);
      if (outcome === 'drained') {
        app.log.info({ requests: started }, 'requests in flight finished');
        return;
      }
      // Whatever still runs will meet closed connections; its clients get a reset rather than a wait forever.
      app.log.warn({ requests: inFlight.count, deadlineMs }, 'requests still running at the stop deadline; closing their connections');
      app.server.closeAllConnections();
    });
  });
}
