// Phase 1: POST /v1/videos at a fixed number of connections, measured by autocannon. Autocannon runs in a
// worker thread so the load generator does not share the API's event loop; no pipeline workers run, so the
// figures are the API's alone (validate, record the video and its reservation, enqueue).
import autocannon from 'autocannon';
import type { Stack } from '@sora-studio/e2e';
import { BENCH_BODY, BENCH_SETTINGS } from './bench-settings.ts';

export interface SubmitLoadFigures {
  connections: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  non2xx: number;
  errors: number;
  /** Videos in the database afterwards: one per 2xx, plus any whose request was cut off when time ran out. */
  videosRecorded: number;
}

export async function measureSubmitLoad(stack: Stack): Promise<SubmitLoadFigures> {
  const result = await autocannon({
    url: `${stack.baseURL}/videos`,
    method: 'POST',
    headers: { authorization: `Bearer ${stack.user.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(BENCH_BODY),
    connections: BENCH_SETTINGS.submitConnections,
    duration: BENCH_SETTINGS.submitSeconds,
    workers: 1,
  });
  const recorded = await stack.db.selectFrom('videos').select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
  return {
    connections: BENCH_SETTINGS.submitConnections,
    seconds: BENCH_SETTINGS.submitSeconds,
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    videosRecorded: Number(recorded.count),
  };
}
