// What clients see while a server is down: requests sent on a cadence (fault injection timing, not a wait),
// each answer's status, error code, Retry-After and time, tallied by status. A hang shows as status 0 after
// the client's timeout, and the slowest answer is kept, so "no 500, no hang" is a number, not a hope.
import { setTimeout as delay } from 'node:timers/promises';

export interface ProbeAnswer {
  status: number;
  ms: number;
  code?: string | null;
  retryAfter?: string | null;
  /** The body was in OpenAI's error shape (for 4xx/5xx) or the route's own (for /ready). */
  errorShape?: boolean;
  /** Why no answer came (status 0). */
  networkError?: string;
}

export interface ProbeTally {
  requests: number;
  byStatus: Record<string, number>;
  /** 503s that carried Retry-After and OpenAI's error shape (or /ready's own body). */
  wellFormed503: number;
  slowestMs: number;
  codes: Record<string, number>;
  networkErrors: string[];
}

export type Probe = () => Promise<ProbeAnswer>;

/** A request with a client timeout; its answer summarised. */
export async function probeRequest(url: string, init: RequestInit = {}, timeoutMs = 10_000): Promise<ProbeAnswer> {
  const started = Date.now();
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const body = (await response.json().catch(() => null)) as { error?: { message?: unknown; type?: unknown; code?: unknown; param?: unknown }; status?: unknown } | null;
    // A video has `error: null`; an error answer has an object there.
    const error = response.ok ? undefined : body?.error ?? undefined;
    const errorShape = error !== undefined
      ? typeof error.message === 'string' && typeof error.type === 'string' && 'code' in error && 'param' in error
      : typeof body?.status === 'string';
    return {
      status: response.status,
      ms: Date.now() - started,
      code: typeof error?.code === 'string' ? error.code : null,
      retryAfter: response.headers.get('retry-after'),
      errorShape,
    };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return { status: 0, ms: Date.now() - started, networkError: `${String(error)}${cause}` };
  }
}

export function tally(answers: readonly ProbeAnswer[]): ProbeTally {
  const byStatus: Record<string, number> = {};
  const codes: Record<string, number> = {};
  for (const answer of answers) {
    byStatus[answer.status] = (byStatus[answer.status] ?? 0) + 1;
    if (answer.code) codes[answer.code] = (codes[answer.code] ?? 0) + 1;
  }
  return {
    requests: answers.length,
    byStatus,
    wellFormed503: answers.filter((a) => a.status === 503 && a.retryAfter && a.errorShape).length,
    slowestMs: Math.max(0, ...answers.map((a) => a.ms)),
    codes,
    networkErrors: [...new Set(answers.flatMap((a) => (a.networkError ? [a.networkError] : [])))].slice(0, 3),
  };
}

/** Sends every probe each `everyMs` until `stop` resolves; answers by probe name. */
export async function probeUntil(probes: Record<string, Probe>, everyMs: number, stop: Promise<unknown>): Promise<Record<string, ProbeAnswer[]>> {
  const answers: Record<string, ProbeAnswer[]> = Object.fromEntries(Object.keys(probes).map((name) => [name, []]));
  let stopped = false;
  void stop.finally(() => { stopped = true; });
  const inFlight: Promise<void>[] = [];
  while (!stopped) {
    for (const [name, probe] of Object.entries(probes)) inFlight.push(probe().then((answer) => { answers[name]!.push(answer); }));
    await Promise.race([delay(everyMs), stop]);
  }
  await Promise.all(inFlight);
  return answers;
}
