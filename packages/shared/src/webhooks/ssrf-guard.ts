// Decides whether a webhook URL may be called: the URL's shape, then every address its host resolves to.
// A webhook URL is chosen by a client but fetched from inside our network, so anything that is not a
// public unicast address (loopback, private, link-local and the cloud metadata address, CGNAT, multicast,
// reserved, and IPv6 forms that embed one of those) is refused unless an operator allowed its CIDR.
// The caller connects to the returned address, never to the name again: a second lookup is how DNS
// rebinding gets past a check.
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { Config } from '../config.ts';
import { InvalidRequestError } from '../errors.ts';

export interface WebhookUrlPolicy {
  /** Plain http:// is accepted only when this is true (development); https:// always is. */
  allowHttp: boolean;
  /** CIDRs whose addresses are accepted even though they are not public (e.g. 127.0.0.0/8 in development). */
  allowedCidrs: readonly string[];
}

export interface WebhookTarget {
  url: URL;
  /** The one address that was checked and must be connected to. */
  address: string;
  family: 4 | 6;
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to all of its addresses; replaceable so tests can play a rebinding resolver. */
export type WebhookHostLookup = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** How a host name is resolved and how long that may take; both default to the system's resolver and 5 s. */
export interface WebhookHostResolver {
  lookup?: WebhookHostLookup;
  lookupTimeoutMs?: number;
}

export const MAX_WEBHOOK_URL_LENGTH = 2_048;
/** How long a host name may take to resolve: the system resolver's own retries can run far longer, and an
 * endpoint create or update waits on it. */
export const WEBHOOK_LOOKUP_TIMEOUT_MS = 5_000;

/** Refusals say why in terms of what the client sent, never which internal address a name resolved to. */
export class WebhookUrlRefusedError extends InvalidRequestError {
  constructor(reason: string) {
    super(`Invalid webhook URL: ${reason}.`, { param: 'url', code: 'invalid_webhook_url' });
  }
}

export function webhookUrlPolicyOf(config: Config): WebhookUrlPolicy {
  return { allowHttp: config.WEBHOOK_ALLOW_HTTP, allowedCidrs: config.WEBHOOK_ALLOWED_CIDRS };
}

/** True for a CIDR the policy can use: IPv4 in plain dotted decimal (no octal surprises), or IPv6. */
export function isWebhookCidr(text: string): boolean {
  return ipaddr.IPv4.isValidCIDRFourPartDecimal(text) || ipaddr.IPv6.isValidCIDR(text);
}

const systemLookup: WebhookHostLookup = (hostname) => dnsLookup(hostname, { all: true, order: 'verbatim' });

export async function resolveWebhookTarget(
  url: string,
  policy: WebhookUrlPolicy,
  options: WebhookHostResolver = {},
): Promise<WebhookTarget> {
  const parsed = parseWebhookUrl(url, policy);
  const addresses = await addressesOf(parsed.hostname, options.lookup ?? systemLookup, options.lookupTimeoutMs ?? WEBHOOK_LOOKUP_TIMEOUT_MS);
  const allowed = policy.allowedCidrs.map((cidr) => ipaddr.parseCIDR(cidr));
  const checked = addresses.map((address) => classify(address, allowed));
  // Any refused address refuses the name: a resolver that answers public-then-private must not get a say
  // in which one a connection ends up using.
  const refused = checked.find((entry) => entry.refusal !== null);
  if (refused?.refusal) {
    throw new WebhookUrlRefusedError(
      isIP(stripBrackets(parsed.hostname)) ? `the address is ${refused.refusal}` : `the host resolves to ${refused.refusal}`,
    );
  }
  const first = checked[0];
  if (!first) throw new WebhookUrlRefusedError('the host could not be resolved');
  return { url: parsed, address: first.address.toString(), family: first.address.kind() === 'ipv4' ? 4 : 6 };
}

function parseWebhookUrl(url: string, policy: WebhookUrlPolicy): URL {
  if (url.length > MAX_WEBHOOK_URL_LENGTH) throw new WebhookUrlRefusedError(`it is longer than ${MAX_WEBHOOK_URL_LENGTH} characters`);
  // WHATWG parsing canonicalises every IPv4 notation (2130706433, 0x7f.1, 0177.0.0.1, 127.1) to dotted
  // decimal and IPv6 to its compressed form, and rejects zone ids, so the checks below see one spelling.
  const parsed = URL.parse(url);
  if (!parsed) throw new WebhookUrlRefusedError('it is not a valid absolute URL');
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && policy.allowHttp)) {
    throw new WebhookUrlRefusedError(policy.allowHttp ? 'it must use http or https' : 'it must use https');
  }
  if (parsed.username !== '' || parsed.password !== '') throw new WebhookUrlRefusedError('it must not contain a user name or password');
  if (parsed.hostname === '') throw new WebhookUrlRefusedError('it has no host');
  return parsed;
}

function stripBrackets(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

async function addressesOf(hostname: string, lookup: WebhookHostLookup, timeoutMs: number): Promise<(ipaddr.IPv4 | ipaddr.IPv6)[]> {
  const literal = stripBrackets(hostname);
  if (isIP(literal)) return [ipaddr.parse(literal)];
  let answers: readonly ResolvedAddress[] | typeof LOOKUP_TIMED_OUT;
  try {
    answers = await withinTime(lookup(hostname), timeoutMs);
  } catch {
    throw new WebhookUrlRefusedError('the host could not be resolved');
  }
  if (answers === LOOKUP_TIMED_OUT) throw new WebhookUrlRefusedError(`the host could not be resolved within ${timeoutMs} ms`);
  // A resolver answering something that is not an address is treated like no answer at all.
  return answers.map((answer) => {
    if (!ipaddr.isValid(answer.address) || isIP(answer.address) === 0) throw new WebhookUrlRefusedError('the host could not be resolved');
    return ipaddr.parse(answer.address);
  });
}

const LOOKUP_TIMED_OUT = Symbol('lookup timed out');

/** node:dns lookups cannot be cancelled, so we stop waiting instead; the late answer is dropped. */
async function withinTime<T>(work: Promise<T>, timeoutMs: number): Promise<T | typeof LOOKUP_TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<typeof LOOKUP_TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(LOOKUP_TIMED_OUT), timeoutMs);
  });
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

interface CheckedAddress {
  /** The address to connect to: an IPv4-mapped IPv6 address is connected to as the IPv4 it carries. */
  address: ipaddr.IPv4 | ipaddr.IPv6;
  refusal: string | null;
}

function classify(raw: ipaddr.IPv4 | ipaddr.IPv6, allowed: readonly [ipaddr.IPv4 | ipaddr.IPv6, number][]): CheckedAddress {
  const address = raw.kind() === 'ipv6' && (raw as ipaddr.IPv6).isIPv4MappedAddress() ? (raw as ipaddr.IPv6).toIPv4Address() : raw;
  const isAllowed = allowed.some(([network, bits]) => network.kind() === address.kind() && address.match(network, bits));
  if (isAllowed) return { address, refusal: null };
  return { address, refusal: refusalOf(address) };
}

/** Why an address outside the allowed CIDRs is refused, or null for a public unicast address. */
function refusalOf(address: ipaddr.IPv4 | ipaddr.IPv6): string | null {
  if (address.kind() === 'ipv4') return refusalOfIPv4(address as ipaddr.IPv4);
  const v6 = address as ipaddr.IPv6;
  const range = v6.range();
  const embedded = embeddedIPv4(v6);
  if (embedded) {
    const inner = refusalOfIPv4(embedded.address);
    // An IPv4-compatible (::a.b.c.d) address is deprecated and never needed by a real receiver.
    if (embedded.kind === 'compatible') return `an IPv4-compatible IPv6 address${inner ? ` of ${inner}` : ''}`;
    if (inner) return `a NAT64 address of ${inner}`;
    return null;
  }
  if (range === 'unicast') return null;
  return IPV6_RANGE_NAMES[range] ?? 'a reserved IPv6 address';
}

function refusalOfIPv4(address: ipaddr.IPv4): string | null {
  const range = address.range();
  if (range === 'unicast') return null;
  return IPV4_RANGE_NAMES[range] ?? 'a reserved address';
}

/** IPv6 forms that carry an IPv4 address in their last 32 bits and reach it (NAT64) or pretend to. */
function embeddedIPv4(address: ipaddr.IPv6): { kind: 'compatible' | 'nat64'; address: ipaddr.IPv4 } | null {
  const parts = address.parts;
  const last32 = (): ipaddr.IPv4 => {
    const high = parts[6] ?? 0;
    const low = parts[7] ?? 0;
    return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  };
  const zeroPrefix = parts.slice(0, 6).every((part) => part === 0);
  // :: and ::1 are the IPv6 unspecified and loopback addresses, named as such by range().
  if (zeroPrefix && !(parts[6] === 0 && (parts[7] === 0 || parts[7] === 1))) return { kind: 'compatible', address: last32() };
  // 64:ff9b::/96, the well-known NAT64 prefix: the gateway connects to the IPv4 address inside.
  if (parts[0] === 0x64 && parts[1] === 0xff9b && parts.slice(2, 6).every((part) => part === 0)) return { kind: 'nat64', address: last32() };
  return null;
}

const IPV4_RANGE_NAMES: Record<string, string> = {
  unspecified: 'an unspecified address (0.0.0.0/8)',
  broadcast: 'the broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address (169.254.0.0/16, which includes the cloud metadata address)',
  loopback: 'a loopback address',
  carrierGradeNat: 'a carrier-grade NAT address (100.64.0.0/10)',
  private: 'a private address (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)',
  reserved: 'a reserved or documentation address',
  as112: 'a reserved (AS112) address',
  amt: 'a reserved (AMT) address',
};

const IPV6_RANGE_NAMES: Record<string, string> = {
  unspecified: 'the unspecified IPv6 address (::)',
  linkLocal: 'a link-local IPv6 address (fe80::/10)',
  multicast: 'a multicast IPv6 address',
  loopback: 'the IPv6 loopback address',
  uniqueLocal: 'a unique-local IPv6 address (fc00::/7)',
  deprecatedSiteLocal: 'a site-local IPv6 address (fec0::/10)',
  rfc6145: 'an IPv4-translated IPv6 address',
  rfc6052: 'a NAT64 address outside the well-known prefix',
  '6to4': 'a 6to4 IPv6 address',
  teredo: 'a Teredo IPv6 address',
  benchmarking: 'a benchmarking IPv6 address',
  reserved: 'a reserved or documentation IPv6 address',
};
