import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { postToWebhook, type WebhookHostLookup, type WebhookPostRequest, type WebhookUrlPolicy } from '@sora-studio/shared';
import { createTempDir, freePort, waitFor } from '@sora-studio/testkit';
import { startCountingReceiver, type CountingReceiver } from './fixtures/counting-receiver.ts';

const loopbackAllowed: WebhookUrlPolicy = { allowHttp: true, allowedCidrs: ['127.0.0.0/8'] };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function receiver(handler?: Parameters<typeof startCountingReceiver>[1]): Promise<CountingReceiver> {
  const started = await startCountingReceiver('127.0.0.1', handler);
  cleanups.push(started.close);
  return started;
}

/** A resolver for one made-up name, counting how often it is asked. */
function fakeDns(answers: string[][]): { lookup: WebhookHostLookup; calls: () => number } {
  let calls = 0;
  const lookup: WebhookHostLookup = () => {
    const answer = answers[Math.min(calls, answers.length - 1)] ?? [];
    calls += 1;
    return Promise.resolve(answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  };
  return { lookup, calls: () => calls };
}

function post(overrides: Partial<WebhookPostRequest> & { url: string }) {
  return postToWebhook({
    headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1' },
    body: '{"type":"video.completed"}',
    timeoutMs: 5_000,
    maxResponseBytes: 1024,
    policy: loopbackAllowed,
    ...overrides,
  });
}

describe('postToWebhook connects to the checked address only', () => {
  it('posts the body and headers with the URL host as Host, over one connection', async () => {
    const server = await receiver((_req, res) => res.writeHead(202).end('accepted'));
    const dns = fakeDns([['127.0.0.1']]);
    const result = await post({ url: `http://hooks.example.test:${server.port}/hook?x=1`, lookup: dns.lookup });
    expect(result).toMatchObject({ statusCode: 202, error: null, responseBody: 'accepted' });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(server.connections()).toBe(1);
    expect(dns.calls()).toBe(1);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      path: '/hook?x=1',
      body: '{"type":"video.completed"}',
      headers: { host: `hooks.example.test:${server.port}`, 'content-type': 'application/json', 'webhook-id': 'msg_1', 'content-length': '26' },
    });
  });

  it('does not look the name up again: a rebinding resolver cannot redirect the connection to loopback', async () => {
    const server = await receiver();
    // The system resolver says localhost is 127.0.0.1, where the listener is. The checked answer is an
    // address standing in for a public one (allowed by CIDR, unreachable here); a client that looked the name
    // up again when connecting would reach the listener.
    const dns = fakeDns([['198.51.100.7'], ['127.0.0.1']]);
    const policy: WebhookUrlPolicy = { allowHttp: true, allowedCidrs: ['198.51.100.0/24'] };
    // Whatever becomes of the attempt at 198.51.100.7 (unreachable, a timeout, or a sandbox's egress proxy
    // answering), it must not be the listener.
    await post({ url: `http://localhost:${server.port}/hook`, policy, lookup: dns.lookup, timeoutMs: 300 });
    expect(server.connections()).toBe(0);
    expect(dns.calls()).toBe(1);
    // The next send checks again, and this time the name resolves to loopback: refused before connecting.
    const second = await post({ url: `http://localhost:${server.port}/hook`, policy, lookup: dns.lookup });
    expect(second.error).toBe('Invalid webhook URL: the host resolves to a loopback address.');
    expect(dns.calls()).toBe(2);
    expect(server.connections()).toBe(0);
  });
});

describe('answers are results, not exceptions', () => {
  it('returns a 302 as it is and does not fetch the Location', async () => {
    const server = await receiver((_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${server.port}/elsewhere` }).end());
    const result = await post({ url: `http://127.0.0.1:${server.port}/hook` });
    expect(result).toMatchObject({ statusCode: 302, error: null, responseBody: '' });
    // Give a client that follows redirects the chance to make its second request before counting.
    const check = await post({ url: `http://127.0.0.1:${server.port}/after` });
    expect(check.statusCode).toBe(302);
    expect(server.requests.map((request) => request.path)).toEqual(['/hook', '/after']);
    expect(server.connections()).toBe(2);
  });

  it.each([410, 500, 404])('returns status %i with no error', async (status) => {
    const server = await receiver((_req, res) => res.writeHead(status).end('gone'));
    expect(await post({ url: `http://127.0.0.1:${server.port}/` })).toMatchObject({ statusCode: status, error: null, responseBody: 'gone' });
  });

  it('reports a refused connection without naming the address', async () => {
    const port = await freePort();
    const result = await post({ url: `http://127.0.0.1:${port}/` });
    expect(result).toMatchObject({ statusCode: null, error: 'connection refused (ECONNREFUSED)', responseBody: null });
  });

  it('reports a receiver that drops the connection', async () => {
    const server = await receiver((req) => req.socket.destroy());
    const result = await post({ url: `http://127.0.0.1:${server.port}/` });
    expect(result).toMatchObject({ statusCode: null, error: 'connection reset (ECONNRESET)', responseBody: null });
  });

  it('reports a refused URL and a failing resolver instead of throwing', async () => {
    const failing: WebhookHostLookup = () => Promise.reject(new Error('EAI_AGAIN'));
    expect(await post({ url: 'https://hooks.example.test/', lookup: failing })).toMatchObject({
      statusCode: null,
      error: 'Invalid webhook URL: the host could not be resolved.',
    });
    expect((await post({ url: 'no url at all' })).error).toMatch(/^Invalid webhook URL/);
  });
});

describe('timeout', () => {
  it('gives up on a receiver that never answers, after timeoutMs', async () => {
    const server = await receiver(() => undefined);
    const result = await post({ url: `http://127.0.0.1:${server.port}/`, timeoutMs: 300 });
    expect(result).toMatchObject({ statusCode: null, error: 'timeout', responseBody: null });
    expect(result.durationMs).toBeGreaterThanOrEqual(295);
    expect(result.durationMs).toBeLessThan(1_300);
    await waitFor(() => server.closedSockets() === 1, { what: 'the timed-out connection to close' });
  });

  it('keeps the status and what arrived when the body stalls', async () => {
    const server = await receiver((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
    });
    const result = await post({ url: `http://127.0.0.1:${server.port}/`, timeoutMs: 300 });
    expect(result).toMatchObject({ statusCode: 200, error: 'timeout', responseBody: 'partial' });
  });

  it('counts a DNS lookup that never answers against the deadline', async () => {
    const hanging: WebhookHostLookup = () => new Promise(() => undefined);
    const result = await post({ url: 'https://hooks.example.test/', lookup: hanging, timeoutMs: 200 });
    expect(result).toMatchObject({ statusCode: null, error: 'timeout' });
    expect(result.durationMs).toBeLessThan(1_200);
  });
});

describe('response body cap', () => {
  it('reads at most maxResponseBytes of an endless answer, then hangs up', async () => {
    let written = 0;
    const server = await receiver((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = 'x'.repeat(16 * 1024);
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk)) written += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', () => undefined);
      pump();
    });
    const result = await post({ url: `http://127.0.0.1:${server.port}/`, maxResponseBytes: 100, timeoutMs: 10_000 });
    expect(result).toMatchObject({ statusCode: 200, error: null });
    expect(result.responseBody).toBe('x'.repeat(100));
    await waitFor(() => server.closedSockets() === 1, { what: 'the capped connection to close' });
    expect(written).toBeGreaterThan(0);
  });

  it('keeps a binary answer storable as text: no NUL characters', async () => {
    const server = await receiver((_req, res) => res.writeHead(500).end(Buffer.from([0x62, 0x00, 0x61, 0x00, 0x64])));
    expect(await post({ url: `http://127.0.0.1:${server.port}/` })).toMatchObject({ statusCode: 500, error: null, responseBody: 'bad' });
  });

  it('keeps the status and the part that arrived when the receiver drops the connection mid-answer', async () => {
    const server = await receiver((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('half', () => res.socket?.destroy());
    });
    expect(await post({ url: `http://127.0.0.1:${server.port}/` })).toMatchObject({ statusCode: 200, error: 'connection reset (ECONNRESET)', responseBody: 'half' });
  });

  it('keeps nothing when the cap is 0', async () => {
    const server = await receiver((_req, res) => res.writeHead(200).end('ignored'));
    expect(await post({ url: `http://127.0.0.1:${server.port}/`, maxResponseBytes: 0 })).toMatchObject({ statusCode: 200, responseBody: '' });
  });
});

describe('https', () => {
  it('sends the URL host as SNI and verifies the certificate', async () => {
    const dir = await createTempDir('guarded-http-tls');
    cleanups.push(dir.remove);
    const keyPath = join(dir.path, 'key.pem');
    const certPath = join(dir.path, 'cert.pem');
    await promisify(execFile)('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=hooks.example.test',
      '-addext', 'subjectAltName=DNS:hooks.example.test', '-keyout', keyPath, '-out', certPath,
    ]);
    const [key, cert] = await Promise.all([readFile(keyPath), readFile(certPath)]);
    const serverNames: string[] = [];
    let requests = 0;
    // SNICallback runs on the ClientHello, so the server sees the name the client sent even though the
    // handshake then fails on the client's side.
    const server = createHttpsServer({
      key,
      cert,
      SNICallback: (name, done) => {
        serverNames.push(name);
        done(null, undefined);
      },
    }, (_req, res) => {
      requests += 1;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as AddressInfo).port;

    const dns = fakeDns([['127.0.0.1']]);
    const result = await post({ url: `https://hooks.example.test:${port}/hook`, lookup: dns.lookup });
    // Self-signed, so an honest client refuses it: the certificate is checked, not skipped.
    expect(result).toMatchObject({ statusCode: null, responseBody: null });
    expect(result.error).toMatch(/^TLS: (DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)$/);
    expect(serverNames).toEqual(['hooks.example.test']);
    expect(requests).toBe(0);
  });
});
