// Sends one webhook POST the way the SSRF guard allows: to the address the guard checked and nowhere
// else (the request is made to that IP; the name only goes into the Host header and TLS SNI, and the
// certificate is verified against it), one attempt, no redirects, one deadline for DNS + connect + the
// whole exchange, and at most maxResponseBytes of the answer read before the socket is dropped.
// Every failure comes back as `error`, because a receiver's problem is a delivery result, not our exception.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { resolveWebhookTarget, WebhookUrlRefusedError, type WebhookHostLookup, type WebhookTarget, type WebhookUrlPolicy } from './ssrf-guard.ts';

export interface WebhookPostRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  maxResponseBytes: number;
  policy: WebhookUrlPolicy;
  /** Tests only: a resolver standing in for DNS (e.g. one that rebinds between lookups). */
  lookup?: WebhookHostLookup;
}

export interface WebhookPostResult {
  /** The receiver's HTTP status (a 3xx included, since redirects are not followed); null when none came. */
  statusCode: number | null;
  durationMs: number;
  /** 'timeout', the refusal of the URL, or what went wrong on the wire; null when a status came back. */
  error: string | null;
  /** The first maxResponseBytes of the answer as UTF-8; null when no answer came. */
  responseBody: string | null;
}

const TIMEOUT = 'timeout';

export async function postToWebhook(req: WebhookPostRequest): Promise<WebhookPostResult> {
  const started = performance.now();
  const finish = (outcome: Omit<WebhookPostResult, 'durationMs'>): WebhookPostResult => ({
    ...outcome,
    durationMs: Math.round(performance.now() - started),
  });

  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), req.timeoutMs);
  try {
    const target = await untilAborted(resolveWebhookTarget(req.url, req.policy, { lookup: req.lookup }), deadline.signal);
    if (target === TIMEOUT) return finish({ statusCode: null, error: TIMEOUT, responseBody: null });
    return finish(await exchange(target, req, deadline.signal));
  } catch (error) {
    if (error instanceof WebhookUrlRefusedError) return finish({ statusCode: null, error: error.message, responseBody: null });
    return finish({ statusCode: null, error: describeNetworkError(error), responseBody: null });
  } finally {
    clearTimeout(timer);
  }
}

/** A DNS lookup cannot be cancelled, but we can stop waiting for it when the deadline passes. */
async function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T | typeof TIMEOUT> {
  if (signal.aborted) return TIMEOUT;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<typeof TIMEOUT>((resolve) => {
    onAbort = () => resolve(TIMEOUT);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

function exchange(target: WebhookTarget, req: WebhookPostRequest, deadline: AbortSignal): Promise<Omit<WebhookPostResult, 'durationMs'>> {
  const { url } = target;
  const body = Buffer.from(req.body, 'utf8');
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let statusCode: number | null = null;
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    // The one way out: whatever ends the exchange (the answer, the cap, the deadline, an error) drops the
    // connection, and keeps the status and the part of the body that arrived.
    const finish = (error: string | null): void => {
      if (settled) return;
      settled = true;
      deadline.removeEventListener('abort', onDeadline);
      request.destroy();
      resolve({ statusCode, error, responseBody: statusCode === null ? null : textOf(chunks) });
    };
    const onDeadline = (): void => finish(TIMEOUT);

    const request = send({
      method: 'POST',
      // The checked address itself, so nothing resolves the name a second time.
      host: target.address,
      family: target.family,
      port: url.port === '' ? undefined : Number(url.port),
      path: `${url.pathname}${url.search}`,
      headers: { ...req.headers, host: url.host, 'content-length': String(body.length) },
      // A fresh connection per send: a pooled socket could be one opened for another address.
      agent: false,
      // SNI and certificate verification use the URL's name (an IP literal has no SNI and is verified as an IP).
      ...(url.protocol === 'https:' && isIP(hostname) === 0 ? { servername: hostname } : {}),
    });
    deadline.addEventListener('abort', onDeadline, { once: true });
    if (deadline.aborted) onDeadline();

    request.on('response', (response: IncomingMessage) => {
      statusCode = response.statusCode ?? null;
      response.on('error', (error) => finish(describeNetworkError(error)));
      if (req.maxResponseBytes === 0) return finish(null);
      response.on('data', (chunk: Buffer) => {
        const room = req.maxResponseBytes - received;
        chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
        received += Math.min(chunk.length, room);
        // Enough: a receiver cannot make us hold, or wait for, more than the cap.
        if (received >= req.maxResponseBytes) finish(null);
      });
      response.on('end', () => finish(null));
    });
    request.on('error', (error) => finish(describeNetworkError(error)));
    request.end(body);
  });
}

/**
 * The answer as text for the delivery log: UTF-8 (a character cut by the cap becomes U+FFFD) without NUL,
 * which a Postgres text column refuses, so a binary answer cannot make the log write fail.
 */
function textOf(chunks: Buffer[]): string {
  return Buffer.concat(chunks).toString('utf8').replaceAll('\u0000', '');
}

const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  HPE_INVALID_CONSTANT: 'the answer is not HTTP',
};

/**
 * A short, stable description for the delivery log. Node's own messages name the address connected to,
 * which the client never sent (it sent a name), so only the error code goes out.
 */
function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return 'request failed';
  const code = (error as NodeJS.ErrnoException).code;
  if (error.name === 'AbortError' || code === 'ABORT_ERR') return TIMEOUT;
  if (code === undefined) return 'request failed';
  const known = NETWORK_ERRORS[code];
  if (known) return `${known} (${code})`;
  if (code.startsWith('HPE_')) return `the answer is not valid HTTP (${code})`;
  // Certificate problems (CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID, …) and the like name themselves.
  return code.includes('CERT') || code.includes('TLS') || code.includes('SSL') ? `TLS: ${code}` : `request failed (${code})`;
}
