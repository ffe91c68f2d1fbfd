// A server-sent events client for tests: fetch with headers (an API key, a Last-Event-ID), the body fed to a
// real SSE parser, and waits on what has arrived, never on time alone.
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export type { EventSourceMessage };

export interface EventStream {
  status: number;
  headers: Headers;
  /** The body, when the answer was not a stream (an error). */
  errorBody: unknown;
  events: EventSourceMessage[];
  comments: string[];
  retryMs: number | null;
  /** Resolves once the server has ended the body (or the client closed it). */
  ended: Promise<void>;
  isEnded(): boolean;
  /** Waits until `check` holds for the events so far; fails on timeout or when the stream ends first. */
  until(check: (events: EventSourceMessage[]) => boolean, what: string, timeoutMs?: number): Promise<EventSourceMessage[]>;
  /** Waits for a heartbeat (or any) comment. */
  untilComment(what: string, timeoutMs?: number): Promise<string>;
  close(): void;
}

export async function openEventStream(url: string, headers: Record<string, string>): Promise<EventStream> {
  const abort = new AbortController();
  const response = await fetch(url, { headers, signal: abort.signal });
  const events: EventSourceMessage[] = [];
  const comments: string[] = [];
  const changed = new Set<() => void>();
  let ended = false;
  let retryMs: number | null = null;
  const notify = () => { for (const wake of [...changed]) wake(); };
  const isStream = response.ok && (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
  let errorBody: unknown = null;
  let endedPromise: Promise<void>;
  if (!isStream) {
    const text = await response.text();
    try {
      errorBody = JSON.parse(text);
    } catch {
      errorBody = text;
    }
    ended = true;
    endedPromise = Promise.resolve();
  } else {
    const parser = createParser({
      onEvent: (event) => { events.push(event); notify(); },
      onComment: (comment) => { comments.push(comment); notify(); },
      onRetry: (ms) => { retryMs = ms; },
    });
    endedPromise = (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of response.body ?? []) parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
      } catch {
        // aborted by close(), or the connection dropped: both end the stream
      }
      ended = true;
      notify();
    })();
  }

  const wait = <T>(probe: () => T | undefined, what: string, timeoutMs: number): Promise<T> => new Promise((resolve, reject) => {
    const check = () => {
      const value = probe();
      if (value !== undefined) return finish(() => resolve(value));
      if (ended) return finish(() => reject(new Error(`The event stream ended before ${what}; events: ${JSON.stringify(events)}`)));
    };
    const timer = setTimeout(() => finish(() => reject(new Error(`Timed out waiting for ${what}; events: ${JSON.stringify(events)}`))), timeoutMs);
    const finish = (settle: () => void) => { clearTimeout(timer); changed.delete(check); settle(); };
    changed.add(check);
    check();
  });

  return {
    status: response.status,
    headers: response.headers,
    errorBody,
    events,
    comments,
    get retryMs() { return retryMs; },
    ended: endedPromise,
    isEnded: () => ended,
    until: (check, what, timeoutMs = 20_000) => wait(() => (check(events) ? [...events] : undefined), what, timeoutMs),
    untilComment: (what, timeoutMs = 20_000) => wait(() => comments[0], what, timeoutMs),
    close: () => abort.abort(),
  };
}
