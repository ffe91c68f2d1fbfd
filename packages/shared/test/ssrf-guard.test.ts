import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ConfigError,
  InvalidRequestError,
  loadConfig,
  postToWebhook,
  resolveWebhookTarget,
  WEBHOOK_LOOKUP_TIMEOUT_MS,
  webhookUrlPolicyOf,
  WebhookUrlRefusedError,
  type WebhookHostLookup,
  type WebhookUrlPolicy,
} from '@sora-studio/shared';
import { ipv6LoopbackAvailable, startCountingReceiver, type CountingReceiver } from './fixtures/counting-receiver.ts';

const closed: WebhookUrlPolicy = { allowHttp: true, allowedCidrs: [] };
const loopbackAllowed: WebhookUrlPolicy = { allowHttp: true, allowedCidrs: ['127.0.0.0/8', '::1/128'] };
/** A resolver for names that must never be looked up: IP literals are checked as they are. */
const noLookup: WebhookHostLookup = () => Promise.reject(new Error('an IP literal must not be resolved'));
/** Stands in for DNS where the test needs a name that resolves to a loopback address, whatever /etc/hosts says. */
const loopbackName: WebhookHostLookup = (hostname) =>
  hostname === 'loopback.example.test' ? Promise.resolve([{ address: '127.0.0.1', family: 4 }]) : Promise.reject(new Error('ENOTFOUND'));

function send(url: string, policy: WebhookUrlPolicy, lookup?: WebhookHostLookup) {
  return postToWebhook({ url, headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs: 5_000, maxResponseBytes: 1024, policy, lookup });
}

async function refusal(promise: Promise<unknown>): Promise<WebhookUrlRefusedError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(WebhookUrlRefusedError);
  return error as WebhookUrlRefusedError;
}

const hasIpv6 = await ipv6LoopbackAvailable();
let v4: CountingReceiver;
let v6: CountingReceiver | undefined;
// Node publishes every outgoing TCP socket it creates here: the proof that a refused URL was not even tried,
// where no listener could count (and a sandbox's egress proxy might answer for any address).
let clientSockets = 0;
const countClientSocket = (): void => void (clientSockets += 1);

beforeAll(async () => {
  v4 = await startCountingReceiver('127.0.0.1');
  if (hasIpv6) v6 = await startCountingReceiver('::1');
  subscribe('net.client.socket', countClientSocket);
});
afterAll(async () => {
  unsubscribe('net.client.socket', countClientSocket);
  await v4.close();
  await v6?.close();
});

/** Every spelling of "this machine" a client might try, each pointing at a listener that counts connections. */
function loopbackForms(): { url: string; lookup?: WebhookHostLookup }[] {
  const p4 = v4.port;
  const forms: { url: string; lookup?: WebhookHostLookup }[] = [
    '127.0.0.1', '127.1', '2130706433', '0x7f000001', '0x7f.1', '0177.0.0.1', '017700000001', '127.0.0.1.', '0.0.0.0', '0',
    'localhost', 'localhost.', 'LOCALHOST', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[::127.0.0.1]', '[64:ff9b::127.0.0.1]',
  ].map((host) => ({ url: `http://${host}:${p4}/hook` }));
  forms.push({ url: `http://loopback.example.test:${p4}/hook`, lookup: loopbackName });
  forms.push({ url: `http://no-such-host.invalid:${p4}/hook` });
  forms.push({ url: `http://[fe80::1%25lo]:${p4}/hook` });
  if (v6) {
    for (const host of ['[::1]', '[0:0:0:0:0:0:0:1]', '[0::1]', '[::0:1]']) forms.push({ url: `http://${host}:${v6.port}/hook` });
  }
  return forms;
}

describe('resolveWebhookTarget and postToWebhook refuse loopback in every notation', () => {
  it('refuses every form, with the agreed error, and no listener sees a connection', async () => {
    const forms = loopbackForms();
    expect(forms.length).toBeGreaterThanOrEqual(hasIpv6 ? 24 : 20);
    // Every form is sent before anything is asserted, so a guard that lets one through shows up as a connection.
    const results = [];
    const socketsBefore = clientSockets;
    for (const { url, lookup } of forms) results.push({ url, result: await send(url, closed, lookup) });
    expect(v4.connections()).toBe(0);
    expect(v6?.connections() ?? 0).toBe(0);
    expect(clientSockets).toBe(socketsBefore);
    for (const { url, result } of results) {
      expect(result, url).toMatchObject({ statusCode: null, responseBody: null });
      expect(result.error, url).toMatch(/^Invalid webhook URL: /);
    }
    for (const { url, lookup } of forms) {
      const error = await refusal(resolveWebhookTarget(url, closed, { lookup }));
      expect(error, url).toBeInstanceOf(InvalidRequestError);
      expect(error.toBody().error, url).toMatchObject({ type: 'invalid_request_error', param: 'url', code: 'invalid_webhook_url' });
    }
  });

  it('never names the address a host name resolved to', async () => {
    const error = await refusal(resolveWebhookTarget('http://loopback.example.test/', closed, { lookup: loopbackName }));
    expect(error.message).toBe('Invalid webhook URL: the host resolves to a loopback address.');
    expect(error.message).not.toContain('127.');
  });

  it('refuses a name when any of its addresses is refused, even if a public one comes first', async () => {
    const mixed: WebhookHostLookup = () => Promise.resolve([{ address: '93.184.215.14', family: 4 }, { address: '127.0.0.1', family: 4 }]);
    await refusal(resolveWebhookTarget(`http://mixed.example.test:${v4.port}/`, closed, { lookup: mixed }));
    expect((await send(`http://mixed.example.test:${v4.port}/`, closed, mixed)).error).toMatch(/loopback/);
    expect(v4.connections()).toBe(0);
  });
});

describe('WHATWG URL parsing canonicalises IPv4 notations before the check', () => {
  it.each(['127.1', '2130706433', '0x7f000001', '0x7f.1', '0177.0.0.1', '017700000001', '127.0.0.1.', '[::ffff:7f00:1]', '[::ffff:127.0.0.1]'])(
    '%s becomes 127.0.0.1',
    async (host) => {
      const target = await resolveWebhookTarget(`http://${host}/`, loopbackAllowed, { lookup: noLookup });
      expect(target).toMatchObject({ address: '127.0.0.1', family: 4 });
    },
  );

  it('[0:0:0:0:0:0:0:1] becomes ::1', async () => {
    const target = await resolveWebhookTarget('http://[0:0:0:0:0:0:0:1]/', loopbackAllowed, { lookup: noLookup });
    expect(target).toMatchObject({ address: '::1', family: 6 });
    expect(target.url.hostname).toBe('[::1]');
  });
});

describe('WEBHOOK_ALLOWED_CIDRS lets an operator reach a non-public range', () => {
  it('gives the listener exactly one connection per send, in every notation that reaches it', async () => {
    const reaching = ['127.0.0.1', '127.1', '2130706433', '0x7f.1', '0177.0.0.1', 'localhost', 'LOCALHOST', '[::ffff:127.0.0.1]'];
    const before = v4.connections();
    const socketsBefore = clientSockets;
    for (const [index, host] of reaching.entries()) {
      const result = await send(`http://${host}:${v4.port}/hook`, loopbackAllowed);
      expect(result, host).toMatchObject({ statusCode: 200, error: null, responseBody: 'ok' });
      expect(v4.connections(), host).toBe(before + index + 1);
      expect(clientSockets, host).toBe(socketsBefore + index + 1);
    }
    if (v6) {
      const result = await send(`http://[::1]:${v6.port}/hook`, loopbackAllowed);
      expect(result).toMatchObject({ statusCode: 200, error: null });
      expect(v6.connections()).toBe(1);
    }
  });

  it('still refuses what lies outside the allowed CIDRs', async () => {
    const only127: WebhookUrlPolicy = { allowHttp: true, allowedCidrs: ['127.0.0.0/8'] };
    await refusal(resolveWebhookTarget('http://0.0.0.0/', only127));
    await refusal(resolveWebhookTarget('http://[::1]/', only127));
    await refusal(resolveWebhookTarget('http://10.0.0.1/', only127));
  });
});

describe('private, link-local, metadata and other non-public addresses', () => {
  it.each([
    ['169.254.169.254', /link-local/], ['10.0.0.1', /private/], ['100.64.0.1', /carrier-grade NAT/], ['192.168.1.1', /private/],
    ['172.16.0.1', /private/], ['172.31.255.255', /private/], ['224.0.0.1', /multicast/], ['255.255.255.255', /broadcast/],
    ['192.0.2.1', /reserved/], ['198.18.0.1', /reserved/], ['240.0.0.1', /reserved/], ['[fc00::1]', /unique-local/],
    ['[fd12:3456::1]', /unique-local/], ['[fe80::1]', /link-local/], ['[ff02::1]', /multicast/], ['[::]', /unspecified/],
    ['[2001:db8::1]', /reserved/], ['[::ffff:169.254.169.254]', /link-local/], ['[::ffff:10.0.0.1]', /private/],
    ['[::10.0.0.1]', /IPv4-compatible/], ['[64:ff9b::10.0.0.1]', /NAT64 address of a private/], ['[2002:7f00:1::]', /6to4/],
  ])('refuses %s at once, without a connection attempt', async (host, why) => {
    const error = await refusal(resolveWebhookTarget(`https://${host}/hook`, closed, { lookup: noLookup }));
    expect(error.message).toMatch(why);
    const socketsBefore = clientSockets;
    const result = await send(`https://${host}/hook`, closed, noLookup);
    expect(result).toMatchObject({ statusCode: null, responseBody: null, error: error.message });
    expect(clientSockets).toBe(socketsBefore);
    // Decided locally: no DNS, no connect. (Generous bound: the machine is shared with other test files.)
    expect(result.durationMs).toBeLessThan(250);
  });

  it('accepts public unicast addresses, including NAT64 of a public IPv4', async () => {
    await expect(resolveWebhookTarget('https://93.184.215.14/hook', closed, { lookup: noLookup })).resolves.toMatchObject({ address: '93.184.215.14', family: 4 });
    await expect(resolveWebhookTarget('https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/', closed, { lookup: noLookup })).resolves.toMatchObject({ family: 6 });
    await expect(resolveWebhookTarget('https://[64:ff9b::93.184.215.14]/', closed, { lookup: noLookup })).resolves.toMatchObject({ address: '64:ff9b::5db8:d70e' });
    const publicName: WebhookHostLookup = () => Promise.resolve([{ address: '93.184.215.14', family: 4 }]);
    const target = await resolveWebhookTarget('https://hooks.example.com/a?b=1', closed, { lookup: publicName });
    expect(target).toMatchObject({ address: '93.184.215.14', family: 4 });
    expect(target.url.href).toBe('https://hooks.example.com/a?b=1');
  });
});

describe('the URL itself', () => {
  const production: WebhookUrlPolicy = { allowHttp: false, allowedCidrs: [] };
  const publicName: WebhookHostLookup = () => Promise.resolve([{ address: '93.184.215.14', family: 4 }]);

  it('must be https unless plain http is allowed', async () => {
    expect((await refusal(resolveWebhookTarget('http://hooks.example.com/', production, { lookup: publicName }))).message).toMatch(/must use https/);
    await expect(resolveWebhookTarget('http://hooks.example.com/', { ...production, allowHttp: true }, { lookup: publicName })).resolves.toBeDefined();
    await expect(resolveWebhookTarget('https://hooks.example.com/', production, { lookup: publicName })).resolves.toBeDefined();
    for (const url of ['ftp://hooks.example.com/', 'file:///etc/passwd', 'gopher://hooks.example.com/', 'ws://hooks.example.com/']) {
      await refusal(resolveWebhookTarget(url, { ...production, allowHttp: true }, { lookup: publicName }));
    }
  });

  it.each([
    ['https://user:pass@hooks.example.com/', /user name or password/],
    ['https://user@hooks.example.com/', /user name or password/],
    ['not a url', /not a valid absolute URL/],
    ['/relative/path', /not a valid absolute URL/],
    [`https://hooks.example.com/${'a'.repeat(2_048)}`, /longer than 2048/],
  ])('refuses %s', async (url, why) => {
    expect((await refusal(resolveWebhookTarget(url, production, { lookup: publicName }))).message).toMatch(why);
  });

  it('refuses a name that does not resolve', async () => {
    expect((await refusal(resolveWebhookTarget('https://no-such-host.invalid/', production))).message).toMatch(/could not be resolved/);
  });
});

describe('config', () => {
  it('is closed by default', () => {
    expect(webhookUrlPolicyOf(loadConfig({}))).toEqual({ allowHttp: false, allowedCidrs: [] });
  });

  it('reads WEBHOOK_ALLOW_HTTP and a comma-separated WEBHOOK_ALLOWED_CIDRS', () => {
    const config = loadConfig({ WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_CIDRS: ' 127.0.0.0/8, ::1/128 ,10.1.0.0/16' });
    expect(webhookUrlPolicyOf(config)).toEqual({ allowHttp: true, allowedCidrs: ['127.0.0.0/8', '::1/128', '10.1.0.0/16'] });
  });

  it.each(['127.0.0.1', '10.0.0.0/33', '0177.0.0.0/8', 'localhost/8', '::1/129'])('names the variable for a bad CIDR %s', (bad) => {
    expect(() => loadConfig({ WEBHOOK_ALLOWED_CIDRS: `127.0.0.0/8,${bad}` })).toThrow(ConfigError);
    expect(() => loadConfig({ WEBHOOK_ALLOWED_CIDRS: `127.0.0.0/8,${bad}` })).toThrow(new RegExp(`WEBHOOK_ALLOWED_CIDRS: '${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}' is not a CIDR`));
  });

  it('refuses a WEBHOOK_ALLOW_HTTP that is not true or false', () => {
    expect(() => loadConfig({ WEBHOOK_ALLOW_HTTP: 'yes' })).toThrow(/WEBHOOK_ALLOW_HTTP/);
  });
});

describe('a slow resolver', () => {
  const publicAfter = (delayMs: number): WebhookHostLookup => () =>
    new Promise((resolve) => setTimeout(() => resolve([{ address: '93.184.215.14', family: 4 }]), delayMs));

  it('is given up on after the lookup bound, with a refusal that says so', async () => {
    const started = performance.now();
    const error = await refusal(resolveWebhookTarget('https://hooks.example.com/', closed, { lookup: publicAfter(2_000), lookupTimeoutMs: 200 }));
    expect(error.message).toBe('Invalid webhook URL: the host could not be resolved within 200 ms.');
    expect(error.code).toBe('invalid_webhook_url');
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('still counts when it answers inside the bound', async () => {
    await expect(resolveWebhookTarget('https://hooks.example.com/', closed, { lookup: publicAfter(20), lookupTimeoutMs: 1_000 }))
      .resolves.toMatchObject({ address: '93.184.215.14' });
  });

  it('is bounded by WEBHOOK_LOOKUP_TIMEOUT_MS (5 s) when no bound is given', async () => {
    expect(WEBHOOK_LOOKUP_TIMEOUT_MS).toBe(5_000);
    vi.useFakeTimers();
    try {
      let settled = false;
      const outcome = resolveWebhookTarget('https://hooks.example.com/', closed, { lookup: () => new Promise<never>(() => {}) })
        .finally(() => { settled = true; });
      const refused = refusal(outcome);
      await vi.advanceTimersByTimeAsync(WEBHOOK_LOOKUP_TIMEOUT_MS - 1);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect((await refused).message).toMatch(/within 5000 ms/);
    } finally {
      vi.useRealTimers();
    }
  });
});
