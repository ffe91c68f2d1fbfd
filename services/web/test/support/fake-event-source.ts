// A fake EventSource (jsdom has none): the app opens it as the browser would, and the test plays the server,
// sending named events with JSON data. `install()` stubs the global for one test (setup.ts unstubs it).
import { vi } from 'vitest';

export class FakeEventSource extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static instances: FakeEventSource[] = [];

  readonly url: string;
  readonly withCredentials: boolean;
  readyState = FakeEventSource.CONNECTING;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;

  constructor(url: string | URL, init?: EventSourceInit) {
    super();
    this.url = String(url);
    this.withCredentials = init?.withCredentials ?? false;
    FakeEventSource.instances.push(this);
  }

  /** The server accepted the stream. */
  open(): void {
    this.readyState = FakeEventSource.OPEN;
    this.onopen?.(new Event('open'));
  }

  /** One server-sent event: `event: type`, `id: id`, `data: JSON`. */
  emit(type: string, data: unknown, id = ''): void {
    this.dispatchEvent(new MessageEvent(type, { data: JSON.stringify(data), lastEventId: id }));
  }

  /** The connection dropped; `closed` as when the browser gives up (an answer that is not a stream). */
  fail(closed = false): void {
    this.readyState = closed ? FakeEventSource.CLOSED : FakeEventSource.CONNECTING;
    this.onerror?.(new Event('error'));
  }

  close(): void {
    this.readyState = FakeEventSource.CLOSED;
  }

  /** Stubs the global EventSource; returns a getter for the newest stream the app opened. */
  static install(): { latest: () => FakeEventSource } {
    FakeEventSource.instances = [];
    vi.stubGlobal('EventSource', FakeEventSource);
    return {
      latest: () => {
        const source = FakeEventSource.instances.at(-1);
        if (!source) throw new Error('the app has not opened an EventSource');
        return source;
      },
    };
  }
}
