// pino for every log line. Lines about a video carry `videoId` and `requestId`, so one grep follows it.
// Secrets never reach a line: the Authorization header is censored, and a request's URL is logged with
// credential-like query values (and the `q` search text, which is user content) replaced.
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

const REDACTED = '[redacted]';
/** Parameter names, lowercased without separators (`API-Key` → `apikey`), that contain one of these carry a secret. */
const SECRET_NAME_PARTS = ['key', 'token', 'secret', 'passw', 'pwd', 'signature', 'credential', 'auth', 'session', 'cookie'];
/** Names that are secrets (or user content, `q`) only as a whole word. */
const SECRET_NAMES = new Set(['sig', 'pass', 'jwt', 'code', 'q']);
/** Our API keys and JWTs, wherever in the URL a careless client put them. */
const SECRET_SHAPE = /\bsk[_-][\w-]{8,}|\beyJ[\w-]+\.[\w-]+\.[\w-]*/;
const SECRET_SHAPES = new RegExp(SECRET_SHAPE, 'g');

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

function isSecretName(rawName: string): boolean {
  const name = decoded(rawName).toLowerCase().replace(/[^a-z0-9]/g, '');
  return SECRET_NAMES.has(name) || SECRET_NAME_PARTS.some((part) => name.includes(part));
}

/** The URL as it may be logged: `/v1/videos?api_key=sk_…&q=cats&limit=2` → `/v1/videos?api_key=[redacted]&q=[redacted]&limit=2`. */
export function redactUrl(url: string): string {
  const start = url.indexOf('?');
  const path = (start === -1 ? url : url.slice(0, start)).replace(SECRET_SHAPES, REDACTED);
  if (start === -1) return path;
  const query = url.slice(start + 1).split('&').map((pair) => {
    const equals = pair.indexOf('=');
    const name = equals === -1 ? pair : pair.slice(0, equals);
    if (isSecretName(name)) return equals === -1 ? REDACTED : `${name}=${REDACTED}`;
    // A bare `?sk_…` is all name; a secret-shaped value hides under any name.
    if (!SECRET_SHAPE.test(decoded(pair))) return pair;
    return equals === -1 ? REDACTED : `${name}=${REDACTED}`;
  });
  return `${path}?${query.join('&')}`;
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  headers?: Record<string, unknown>;
  socket?: { remotePort?: number };
}

/** Fastify's own request serializer, with the URL redacted. */
function serializeRequest(req: LoggedRequest) {
  return {
    method: req.method,
    url: req.url === undefined ? undefined : redactUrl(req.url),
    version: req.headers?.['accept-version'],
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/**
 * Stdout, written synchronously, line by line. pino's own default buffers asynchronously and writes what is left
 * when the process exits; that last write retries every failure, EPIPE included, forever (sonic-boom 4's
 * flushSync sleeps in Atomics.wait between tries), so a service whose output reader died (a SIGKILLed `npm
 * start`) hung in process.exit with its lifeline deadline unable to fire. A synchronous write meets EPIPE at once,
 * pino then drops every later line, and nothing is left over for exit.
 */
function stdoutDestination(): DestinationStream {
  return pino.destination({ dest: 1, sync: true });
}

/** `destination` defaults to stdout; tests pass a stream to read the lines back. */
export function createLogger(service: string, level: string, destination: DestinationStream = stdoutDestination()): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { req: serializeRequest },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie', 'apiKey'],
      censor: REDACTED,
    },
  }, destination);
}
