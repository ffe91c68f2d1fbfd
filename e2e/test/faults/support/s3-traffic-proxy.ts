// An HTTP proxy in front of an S3-compatible test server that notes every request as it streams through (method,
// path, query, body bytes so far), so a test can wait for the moment a multipart upload is under way: fauxqs has
// no ListMultipartUploads to ask. Bodies are piped, never held.
import { createServer, request as forward, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface S3Request {
  method: string;
  /** Path without the query, e.g. /bucket/videos/video_…/video */
  path: string;
  query: URLSearchParams;
  /** Body bytes received from the client so far. */
  bytes: number;
}

export interface S3TrafficProxy {
  /** Point S3_ENDPOINT here. */
  endpoint: string;
  requests: S3Request[];
  close(): Promise<void>;
}

export async function startS3TrafficProxy(target: string): Promise<S3TrafficProxy> {
  const upstream = new URL(target);
  const requests: S3Request[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', target);
    const seen: S3Request = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, bytes: 0 };
    requests.push(seen);
    req.on('data', (chunk: Buffer) => { seen.bytes += chunk.length; });
    const out = forward({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    // A client that dies mid-request (the SIGKILLed worker) ends its upstream request too, as a real connection would.
    out.on('error', () => res.destroy());
    req.on('aborted', () => out.destroy());
    res.on('close', () => { if (!res.writableFinished) out.destroy(); });
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
