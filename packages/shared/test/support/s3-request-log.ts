// A recording HTTP proxy in front of an S3 server: the storage contract suite points a driver at it to see which
// requests the driver really sent (an AbortMultipartUpload after a failed upload, say), without mocking the SDK.
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoggedS3Request {
  method: string;
  /** Path and query, as sent, e.g. `/bucket/key?uploadId=…`. */
  url: string;
  status: number;
}

export interface S3RequestLog {
  endpoint: string;
  requests: LoggedS3Request[];
  close(): Promise<void>;
}

export async function startS3RequestLog(target: string): Promise<S3RequestLog> {
  const upstream = new URL(target);
  const requests: LoggedS3Request[] = [];
  const server = createServer((req, res) => {
    const forwarded = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        requests.push({ method: req.method ?? '', url: req.url ?? '', status: answer.statusCode ?? 0 });
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => res.destroy());
    req.pipe(forwarded);
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
