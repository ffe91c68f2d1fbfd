// drainRequestsOnClose on a small Fastify app over real HTTP: close() waits for handlers whose client has gone,
// does not wait for a body that will never arrive, and gives up on a stuck request at its deadline.
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, expect, it } from 'vitest';
import { drainRequestsOnClose } from '../src/http/request-drain.ts';

let app: FastifyInstance | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await app?.close();
  app = undefined;
});

/** An app whose POST /slow runs until `release` is called; what happened, in order, goes to `events`. */
async function slowApp(deadlineMs: number) {
  const events: string[] = [];
  const entered = Promise.withResolvers<void>();
  const gate = Promise.withResolvers<void>();
  app = Fastify();
  app.post('/slow', async () => {
    entered.resolve();
    await gate.promise;
    events.push('handler finished');
    return { ok: true };
  });
  app.addHook('onClose', async () => { events.push('onClose'); });
  drainRequestsOnClose(app, { deadlineMs });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return { app, port, events, entered: entered.promise, release: () => gate.resolve() };
}

/** Raw bytes on a connection of its own, so the test decides exactly what the server receives. */
async function send(port: number, bytes: string): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write(bytes);
  return socket;
}

const post = (body: string, declaredLength = Buffer.byteLength(body)) =>
  `POST /slow HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${declaredLength}\r\n\r\n${body}`;

it('close() waits for the handler of a client that has gone before the onClose hooks run', async () => {
  const slow = await slowApp(30_000);
  const client = await send(slow.port, post('{}'));
  await slow.entered;
  client.destroy();
  const closed = slow.app.close();
  // Fastify alone sees no connection left and closes at once; the drain holds the close until the handler ends.
  await sleep(50);
  slow.release();
  await closed;
  expect(slow.events).toEqual(['handler finished', 'onClose']);
});

it('close() does not wait for a body whose client has gone', async () => {
  const slow = await slowApp(30_000);
  const client = await send(slow.port, post('{"a', 100));
  await sleep(20);
  client.destroy();
  const outcome = await Promise.race([slow.app.close().then(() => 'closed'), sleep(5_000, 'still waiting')]);
  expect(outcome).toBe('closed');
  expect(slow.events).toEqual(['onClose']);
});

it('close() gives up on a request still running at the deadline and closes its connection', async () => {
  const slow = await slowApp(100);
  const client = await send(slow.port, post('{}'));
  await slow.entered;
  const clientClosed = once(client, 'close');
  await slow.app.close();
  await clientClosed;
  expect(slow.events).toEqual(['onClose']);
  slow.release();
});
