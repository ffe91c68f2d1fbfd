// HTTP/1.1 written by hand on a socket, for what fetch will not send: broken framing, raw bytes in the request
// line, huge headers, a body streamed for as long as the server keeps reading it.
import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read whatever came back
  text: string;
  /** Bytes of the request body the socket accepted before the server closed it or answered. */
  bodyBytesWritten: number;
}

function parseAnswer(raw: string): Omit<RawAnswer, 'bodyBytesWritten'> {
  const split = raw.indexOf('\r\n\r\n');
  const head = split === -1 ? raw : raw.slice(0, split);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let text = split === -1 ? '' : raw.slice(split + 4);
  if (headers['transfer-encoding'] === 'chunked') text = dechunk(text);
  const isJson = headers['content-type']?.startsWith('application/json') ?? false;
  let body: unknown = text;
  if (isJson) {
    try { body = JSON.parse(text); } catch { body = text; }
  }
  return { status: Number(statusLine.split(' ')[1] ?? 0), headers, body, text };
}

function dechunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const end = rest.indexOf('\r\n');
    if (end === -1) return out;
    const size = Number.parseInt(rest.slice(0, end), 16);
    if (!Number.isFinite(size) || size === 0) return out;
    out += rest.slice(end + 2, end + 2 + size);
    rest = rest.slice(end + 2 + size + 2);
  }
}

/**
 * Sends `head` (request line and headers, as written) and then `body`: bytes, or a generator of chunks that
 * is pulled only while the socket accepts them, so a server that stops reading stops the sender too.
 */
export function rawRequest(
  origin: string,
  head: string | Buffer,
  body: Buffer | Iterable<Buffer> = Buffer.alloc(0),
  opts: { timeoutMs?: number } = {},
): Promise<RawAnswer> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const received: Buffer[] = [];
    let bodyBytesWritten = 0;
    let answered = false;
    const timer = setTimeout(() => { socket.destroy(); reject(new Error('raw request timed out')); }, opts.timeoutMs ?? 20_000);
    const finish = () => {
      clearTimeout(timer);
      resolve({ ...parseAnswer(Buffer.concat(received).toString('utf8')), bodyBytesWritten });
    };
    socket.on('data', (chunk) => { received.push(chunk); answered = true; });
    socket.on('error', () => { socket.destroy(); });
    socket.on('close', finish);
    socket.on('connect', () => {
      socket.write(head);
      const chunks = Buffer.isBuffer(body) ? [body][Symbol.iterator]() : body[Symbol.iterator]();
      const pump = () => {
        while (!answered && !socket.destroyed) {
          const next = chunks.next();
          if (next.done) return;
          bodyBytesWritten += next.value.length;
          if (!socket.write(next.value)) {
            socket.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
  });
}
