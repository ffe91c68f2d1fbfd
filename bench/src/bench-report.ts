// The bench's output: a small table for people and one JSON line for machines.
import type { EndToEndFigures } from './end-to-end.ts';
import type { SubmitLoadFigures } from './submit-load.ts';

export interface BenchFigures {
  submit: SubmitLoadFigures;
  endToEnd: EndToEndFigures;
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

export function renderTable({ submit, endToEnd }: BenchFigures): string {
  const rows: [string, string][] = [
    [`POST /v1/videos (${submit.connections} connections, ${submit.seconds} s)`, ''],
    ['  requests/s', String(round(submit.requestsPerSecond))],
    ['  latency p50 / p99', `${submit.latencyP50Ms} ms / ${submit.latencyP99Ms} ms`],
    ['  requests, non-2xx, errors', `${submit.requests}, ${submit.non2xx}, ${submit.errors}`],
    [`end to end (${endToEnd.videos} videos, worker concurrency ${endToEnd.workerConcurrency})`, ''],
    ['  videos/s', String(round(endToEnd.videosPerSecond, 2))],
    ['  submitted in / all finished in', `${round(endToEnd.submitSeconds, 2)} s / ${round(endToEnd.totalSeconds, 2)} s`],
    ['  created → completed p50 / p99', `${round(endToEnd.latencyP50Ms, 0)} ms / ${round(endToEnd.latencyP99Ms, 0)} ms`],
    ['  not completed', String(endToEnd.failed)],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, value]) => `${name.padEnd(width)}  ${value}`.trimEnd()).join('\n');
}

export function renderJsonLine(figures: BenchFigures): string {
  const line = { bench: 'sora-studio', at: new Date().toISOString(), ...figures };
  return JSON.stringify(line, (_key, value: unknown) => (typeof value === 'number' ? round(value, 3) : value));
}
