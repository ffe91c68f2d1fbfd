// Waiting for a service to answer over HTTP, giving up when the stack starts stopping or time runs out.
import { setTimeout as sleep } from 'node:timers/promises';
import { failure } from './terminal.ts';

const POLL_MS = 200;

export interface ReadinessOptions {
  /** Which answers count as ready; by default any 2xx. */
  ready?: (status: number) => boolean;
  timeoutMs: number;
  signal: AbortSignal;
}

export async function waitForHttp(url: string, what: string, options: ReadinessOptions): Promise<void> {
  const ready = options.ready ?? ((status: number) => status >= 200 && status < 300);
  const deadline = Date.now() + options.timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    options.signal.throwIfAborted();
    try {
      const response = await fetch(url, { signal: AbortSignal.any([options.signal, AbortSignal.timeout(2_000)]) });
      await response.body?.cancel();
      if (ready(response.status)) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      options.signal.throwIfAborted();
      last = (error as Error).message;
    }
    await sleep(POLL_MS, undefined, { signal: options.signal });
  }
  throw failure(`${what} was not ready at ${url} after ${options.timeoutMs / 1000} s (${last})`);
}
