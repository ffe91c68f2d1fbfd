// An HTTP proxy in front of a test server (the S3 one, usually) that records what goes through it: every
// request (method, URL, body bytes so far, the answer's status) and every client connection, open and ever
// accepted. Tests point a client at `endpoint` (e.g. S3_ENDPOINT) to see which requests a driver really
// sent, when a multipart upload is under way (fauxqs has no ListMultipartUploads to ask), or which sockets a
// process leaves open when it stops. Bodies are piped, never held, and it never closes an idle client
// connection on its own (no keep-alive timeout), so an open count means the client still holds the socket.
import { Agent, createServer, request as forward } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ProxiedRequest {
  method: string;
  /** Path and query as sent, e.g. `/bucket/key?uploadId=…`. */
  url: string;
  /** Path without the query, e.g. `/bucket/videos/video_…/video`. */
  path: string;
  query: URLSearchParams;
  /** Body bytes received from the client so far. */
  bytes: number;
  /** The upstream answer's status; 0 until it has answered. */
  status: number;
}

export interface RecordingProxy {
  /** http://127.0.0.1:<port>, forwarding to the target. */
  endpoint: string;
  /** Every request, in arrival order, updated as it streams. */
  requests: ProxiedRequest[];
  /** Client connections open now. */
  openConnections(): number;
  /** Client connections ever accepted. */
  acceptedConnections(): number;
  close(): Promise<void>;
}

/** `target` is the upstream's URL (only its host and port are used). */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const requests: ProxiedRequest[] = [];
  const open = new Set<Socket>();
  let accepted = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', target);
    const seen: ProxiedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', path: url.pathname, query: url.searchParams, bytes: 0, status: 0 };
    requests.push(seen);
    req.on('data', (chunk: Buffer) => { seen.bytes += chunk.length; });
    const out = forward({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
      seen.status = answer.statusCode ?? 502;
      res.writeHead(seen.status, answer.headers);
      answer.pipe(res);
    });
    // A client that dies mid-request (a SIGKILLed worker) ends its upstream request too, as a real connection would.
    out.on('error', () => res.destroy());
    req.on('aborted', () => out.destroy());
    res.on('close', () => { if (!res.writableFinished) out.destroy(); });
    req.pipe(out);
  });
  server.keepAliveTimeout = 0;
  server.on('connection', (socket: Socket) => {
    accepted += 1;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    openConnections: () => open.size,
    acceptedConnections: () => accepted,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      agent.destroy();
    },
  };
}
