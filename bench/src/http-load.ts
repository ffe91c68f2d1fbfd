// One autocannon run at a fixed number of connections, without pipelining, in this process's main thread: the
// servers being measured are processes of their own, so the load generator shares no event loop with them.
import autocannon from 'autocannon';
import { BENCH_SETTINGS } from './bench-settings.ts';

export interface HttpLoadFigures {
  connections: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  non2xx: number;
  errors: number;
}

export interface HttpLoad {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Changes each request before it is sent (another user's key, a fresh idempotency key). */
  setupRequest?: (request: autocannon.Request) => autocannon.Request;
}

export async function runHttpLoad(load: HttpLoad): Promise<HttpLoadFigures> {
  const { connections, loadSeconds } = BENCH_SETTINGS;
  const result = await autocannon({
    url: load.url,
    method: load.method ?? 'GET',
    headers: load.headers,
    body: load.body,
    connections,
    duration: loadSeconds,
    ...(load.setupRequest ? { requests: [{ setupRequest: load.setupRequest }] } : {}),
  });
  return {
    connections,
    seconds: loadSeconds,
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}
