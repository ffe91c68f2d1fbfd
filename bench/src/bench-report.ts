// The bench's output: a table for people (markdown, the issue's columns) and one JSON line for machines.
import type { BullmqFigures } from './anchors/bullmq-anchor.ts';
import type { PgbenchFigures } from './anchors/pgbench-anchor.ts';
import { checkTargets, describeCheck, percent, type BenchRatios } from './bench-targets.ts';
import type { EndToEndFigures } from './end-to-end.ts';
import type { HttpLoadFigures } from './http-load.ts';
import type { QuietWait } from './machine-load.ts';
import type { SlotWaitFigures } from './slot-wait.ts';
import type { SubmitLoadFigures } from './submit-load.ts';

export interface BenchFigures {
  machine: QuietWait & { cpus: number; loadAtEnd: number };
  submit: SubmitLoadFigures;
  submitSingleUser: HttpLoadFigures;
  statusRead: HttpLoadFigures;
  endToEnd: EndToEndFigures;
  slotWait: SlotWaitFigures;
  anchors: { pgbenchSubmitTps: number; fastifyRedisGetPerSecond: number; bullmqProcessPerSecond: number };
  ratios: BenchRatios;
}

/** What the table says about each anchor run beyond its headline figure. */
export interface AnchorDetails {
  pgbench: PgbenchFigures;
  fastifyRedis: HttpLoadFigures;
  bullmq: BullmqFigures;
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const thousands = (value: number) => Math.round(value).toLocaleString('en-US');
const MB = 1024 * 1024;
const signedMb = (bytes: number) => `${bytes < 0 ? '−' : '+'}${Math.abs(Math.round(bytes / MB))}`;

function httpCell(figures: HttpLoadFigures): string {
  const failures = figures.non2xx + figures.errors;
  return `${thousands(figures.requestsPerSecond)} req/s, p99 ${figures.latencyP99Ms} ms${failures > 0 ? `, ${figures.non2xx} non-2xx, ${figures.errors} errors` : ''}`;
}

export function renderTable(figures: BenchFigures, details: AnchorDetails): string {
  const { submit, submitSingleUser, statusRead, endToEnd, slotWait, ratios } = figures;
  const targets = checkTargets(figures);
  const pgbench = `pgbench, submit-shaped transaction, ${details.pgbench.clients} clients, ${thousands(details.pgbench.users)} users, fsync on: ` +
    `${thousands(details.pgbench.transactionsPerSecond)} TPS`;
  const rows: string[][] = [
    [`\`POST /v1/videos\`, ${thousands(submit.users)} users, ${submit.connections} connections`, httpCell(submit), pgbench, percent(ratios.submit), describeCheck(targets.submit)],
    [`\`POST /v1/videos\`, one user, ${submitSingleUser.connections} connections`, httpCell(submitSingleUser), 'the same pgbench run', percent(ratios.submitSingleUser), describeCheck(targets.submitSingleUser)],
    [`\`GET /v1/videos/{id}\`, one video, ${statusRead.connections} connections`, httpCell(statusRead),
      `Fastify 5 + one Redis GET + JSON.parse, ${details.fastifyRedis.connections} connections: ${httpCell(details.fastifyRedis)}`, percent(ratios.statusRead), describeCheck(targets.statusRead)],
    [`end to end, emulator rendering in ${endToEnd.renderMs / 1000} s with no latency, ${thousands(endToEnd.videos)} videos, worker concurrency ${endToEnd.workerConcurrency}, ` +
      `provider lane ${thousands(endToEnd.providerRequestsPerSecond)} requests/s`,
      `${round(endToEnd.videosPerSecond, 1)} videos/s steady (${round(endToEnd.overallVideosPerSecond, 1)} overall; created → completed p50 ${round(endToEnd.latencyP50Ms, 0)} ms, ` +
      `p99 ${round(endToEnd.latencyP99Ms, 0)} ms)`,
      `raw BullMQ 6.7 no-op processing, concurrency ${details.bullmq.concurrency}: ${thousands(details.bullmq.jobsPerSecond)} jobs/s`, percent(ratios.endToEnd), describeCheck(targets.endToEnd)],
    [`provider calls per video (end to end, first poll ${endToEnd.firstPollMs / 1000} s after the submit)`,
      `creates max ${endToEnd.createsPerVideo.max}, mean ${round(endToEnd.createsPerVideo.mean, 2)}; polls max ${endToEnd.pollsPerVideo.max}, mean ${round(endToEnd.pollsPerVideo.mean, 2)}`,
      '', '', describeCheck(targets.providerCalls)],
    [`${thousands(slotWait.waitingVideos)} videos waiting for one user's ${slotWait.maxInFlight} in-flight slots, ${slotWait.windowSeconds} s`,
      `${round(slotWait.transactionsPerSecond, 1)} transactions/s (${round(slotWait.baselineTransactionsPerSecond, 1)} idle), ${thousands(slotWait.rowsReadPerSecond)} rows read/s ` +
      `(${thousands(slotWait.baselineRowsReadPerSecond)} idle); worker RSS ${signedMb(slotWait.workerRssGrowthBytes)} MB; ` +
      `first claims ${round(slotWait.settleSeconds, 0)} s, ${thousands(slotWait.settleRowsReadPerVideo)} rows read per video`,
      'the same stack idle, before the backlog', '', describeCheck(targets.slotWait)],
    [`API RSS under the submit load (${thousands(submit.users)} users)`, `${Math.round(submit.apiPeakRssBytes / MB)} MB peak (${Math.round(submit.apiBaselineRssBytes / MB)} MB before)`, '', '', describeCheck(targets.apiRss)],
  ];
  const header = ['path', 'Sora Studio', 'anchor in the same run', 'ratio', 'target'];
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const { machine } = figures;
  const load = `load average (1 min) ${machine.loadAtStart.toFixed(2)} at the start${machine.quiet ? '' : ` (still above the threshold after waiting ${machine.waitedSeconds} s)`}, ` +
    `${machine.loadAtEnd.toFixed(2)} at the end, ${machine.cpus} CPUs`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line), '', load].join('\n');
}

export function renderJsonLine(figures: BenchFigures): string {
  const line = { bench: 'sora-studio', at: new Date().toISOString(), ...figures };
  // Three decimals, but three significant digits for small ratios (end to end's is a fraction of a percent).
  return JSON.stringify(line, (_key, value: unknown) => {
    if (typeof value !== 'number') return value;
    return Math.abs(value) < 1 ? Number(value.toPrecision(3)) : round(value, 3);
  });
}
