// A TCP proxy that counts the connections a client holds to a server, for tests of what a process leaves open
// when it stops: point the client at `endpoint` (e.g. S3_ENDPOINT), then check `openConnections()`. It relays
// bytes only, so it works for any protocol, and it never closes a client's connection on its own.
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface ConnectionCountingProxy {
  /** http://127.0.0.1:<port>, forwarding to the target. */
  endpoint: string;
  /** Client connections open now. */
  openConnections(): number;
  /** Client connections ever accepted. */
  acceptedConnections(): number;
  close(): Promise<void>;
}

/** `target` is a URL (only its host and port are used), e.g. the endpoint of a test S3 server. */
export async function startConnectionCountingProxy(target: string): Promise<ConnectionCountingProxy> {
  const upstream = new URL(target);
  const open = new Set<Socket>();
  let accepted = 0;
  const server = createServer((client) => {
    accepted += 1;
    open.add(client);
    const forward = connect(Number(upstream.port), upstream.hostname);
    client.pipe(forward).pipe(client);
    // Either side ending ends the other; errors (a reset) are the same as a close here.
    client.on('error', () => forward.destroy());
    forward.on('error', () => client.destroy());
    client.on('close', () => {
      open.delete(client);
      forward.destroy();
    });
    forward.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    openConnections: () => open.size,
    acceptedConnections: () => accepted,
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
