// Generated requests for the fuzz test, by family: JSON and multipart bodies, query strings, path ids on every
// route, headers, raw HTTP framing (Host sometimes missing, CONNECT), and valid JSON requests with exactly one
// bad string or key (lone surrogates above all), which is what reaches storage past every other check.
// fast-check draws them from a fixed seed, so a run is repeatable and a failure names a case to send again.
import fc from 'fast-check';

export interface HttpCase {
  kind: 'http';
  family: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | FormData;
  /** What the client sent, so an answer that echoes it is not mistaken for a leak of internals. */
  echoes: string[];
}

export interface RawCase {
  kind: 'raw';
  family: string;
  bytes: Buffer;
  echoes: string[];
}

export type FuzzCase = HttpCase | RawCase;

export interface FuzzContext {
  userKey: string;
  adminKey: string;
  /** A completed video of the user's, with content, so Range and content paths reach real bytes. */
  videoId: string;
  userId: string;
  /** `METHOD /url` of every /v1 and /admin route, from Fastify's route table. */
  routes: string[];
  /** Path and query of a good signed `/files/...` URL for the video (local storage), which the signed-file family mangles. */
  signedFilePath: string;
}

/** Strings that broke a parser, a query or a lookup somewhere before, and their neighbours. */
const NASTY = [
  '', ' ', '\u0000', 'a\u0000b', '-'.repeat(40), '- '.repeat(50), '-"-"'.repeat(20), '"', "'", '\\', '%', '%00', '%zz',
  '..', '../../etc/passwd', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype',
  "' OR 1=1 --", '"; DROP TABLE videos; --', '$1', '${x}', '<script>', '\ud800', '\uffff', '😀', 'é', '\u202e',
  'a'.repeat(129), 'a'.repeat(5000), '9'.repeat(30), '-1', '1e309', 'NaN', 'Infinity', 'null', 'true', '[]', '{}',
  '8640000000001', '253402300800', '253402300799', 'sora-2', 'sora-2-pro', '720x1280', '1792x1024', '4', '12',
  'video_000000000000000000000000000000000000', 'https://example.com/a.png', 'http://169.254.169.254/',
  'data:image/png;base64,iVBORw0KGgo=', 'data:text/html,<x>', 'file:///etc/passwd', 'javascript:alert(1)',
];

const nasty = fc.constantFrom(...NASTY);
/** Characters that are operators, escapes or delimiters somewhere between the socket and Postgres. */
const operatorText = fc.string({ unit: fc.constantFrom('-', '"', ' ', 'a', '\u0000', '(', ')', 'or', '%', '\\', "'", '!', '&', '|', ':', '*', '[', ']'), maxLength: 120 });
const text = fc.oneof(
  { weight: 3, arbitrary: nasty },
  { weight: 2, arbitrary: operatorText },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) },
);
const anyJson = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 3 }));
/** A key of a JSON object: the schema's own names, the prototype's, or anything. */
const KNOWN_KEYS = ['prompt', 'model', 'seconds', 'size', 'input_reference', 'metadata', 'image_url', 'file_id', 'name', 'email', 'role', 'oidc_subject', 'disabled', 'rate_limit_per_minute', 'max_in_flight', 'budgets', 'period', 'limit_micros'];
const key = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...KNOWN_KEYS) }, { weight: 1, arbitrary: text });

const createBody = fc.record({
  prompt: fc.oneof({ weight: 3, arbitrary: fc.constant('a calm sea at dawn') }, { weight: 2, arbitrary: text }, { weight: 1, arbitrary: anyJson }),
  model: fc.oneof(fc.constantFrom('sora-2', 'sora-2-pro'), text, anyJson),
  seconds: fc.oneof(fc.constantFrom('4', '8', 4, 12), text, anyJson),
  size: fc.oneof(fc.constantFrom('720x1280', '1280x720'), text),
  input_reference: fc.oneof(fc.record({ image_url: fc.oneof(text, anyJson), file_id: text }, { requiredKeys: [] }), anyJson),
  metadata: fc.oneof(fc.dictionary(text, fc.oneof(text, anyJson), { maxKeys: 20 }), anyJson),
}, { requiredKeys: ['prompt'] });

const adminBody = fc.oneof(
  fc.record({ name: fc.oneof(text, anyJson), email: text, role: fc.oneof(fc.constantFrom('user', 'admin'), text), oidc_subject: text }, { requiredKeys: [] }),
  fc.record({ disabled: anyJson, role: text, rate_limit_per_minute: anyJson, max_in_flight: anyJson, oidc_subject: fc.oneof(text, fc.constant(null)) }, { requiredKeys: [] }),
  fc.record({ budgets: fc.oneof(fc.array(fc.record({ period: fc.oneof(fc.constantFrom('day', 'month'), text), model: fc.oneof(text, fc.constant(null)), limit_micros: anyJson }, { requiredKeys: [] }), { maxLength: 4 }), anyJson) }),
  fc.dictionary(key, anyJson, { maxKeys: 6 }),
);

/** A JSON text: usually the value serialized, sometimes cut short, nested deep, or not JSON at all. */
function jsonText(value: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: value.map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: fc.tuple(value, fc.nat({ max: 40 })).map(([v, cut]) => (JSON.stringify(v) ?? '').slice(0, cut)) },
    { weight: 1, arbitrary: fc.nat({ max: 20_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`) },
    { weight: 1, arbitrary: text },
  );
}

/** Percent-encodes what a URL can carry; a lone surrogate, which encodeURIComponent refuses, goes as raw bytes. */
export function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(value.replace(/[\ud800-\udfff]/g, '')) + '%ED%A0%80';
  }
}

/** Sometimes raw (unencoded) when it is plain printable ASCII, so `%zz` and friends reach the router as typed. */
const pathValue = fc.tuple(text, fc.boolean()).map(([value, raw]) => (raw && /^[\x21-\x7e]*$/.test(value) && !/[/?#]/.test(value) ? value : encode(value)));

function sample<T>(arbitrary: fc.Arbitrary<T>, count: number, seed: number): T[] {
  return fc.sample(arbitrary, { seed, numRuns: count });
}

function jsonCase(family: string, method: string, path: string, keyValue: string, body: string): HttpCase {
  return { kind: 'http', family, method, path, headers: { authorization: `Bearer ${keyValue}`, 'content-type': 'application/json' }, body, echoes: [body] };
}

function jsonBodyCases(ctx: FuzzContext, seed: number): HttpCase[] {
  const userRoutes = ['/v1/videos', '/v1/videos/quote', `/v1/videos/${ctx.videoId}/remix`];
  const bodies = sample(jsonText(createBody), 330, seed);
  const admin = sample(fc.tuple(fc.constantFrom('POST /admin/users', `PATCH /admin/users/${ctx.userId}`, `PATCH /admin/users/${ctx.userId}/budgets`, `POST /admin/users/${ctx.userId}/api_keys`), jsonText(adminBody)), 120, seed + 1);
  return [
    ...bodies.map((body, i) => jsonCase('json body', 'POST', userRoutes[i % userRoutes.length]!, ctx.userKey, body)),
    ...admin.map(([route, body]) => {
      const [method, path] = route.split(' ') as [string, string];
      return jsonCase('admin json body', method, path, ctx.adminKey, body);
    }),
  ];
}

const formFieldName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('prompt', 'model', 'seconds', 'size', 'input_reference[image_url]', 'input_reference[file_id]', 'metadata[a]', 'metadata[b][c]', 'input_reference') },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'metadata[__proto__]', 'a[]', 'a[', ']', '', 'prompt[x]') },
  { weight: 1, arbitrary: text },
);
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(32, 1)]);
const formFile = fc.constantFrom(PNG, Buffer.from('GIF89a'), Buffer.alloc(0), Buffer.from('RIFF\0\0\0\0WEBP'));

function multipartCases(ctx: FuzzContext, seed: number): HttpCase[] {
  const routes = ['/v1/videos', '/v1/videos/quote', `/v1/videos/${ctx.videoId}/remix`];
  const forms = sample(fc.tuple(
    fc.array(fc.tuple(formFieldName, text), { maxLength: 8 }),
    fc.option(fc.tuple(fc.constantFrom('input_reference', 'file', 'prompt', '__proto__'), formFile)),
    fc.boolean(),
  ), 180, seed);
  return forms.map(([fields, file, withPrompt], i) => {
    const form = new FormData();
    if (withPrompt) form.append('prompt', 'a lantern in fog');
    for (const [name, value] of fields) form.append(name.replace(/[\ud800-\udfff]/g, ''), value);
    if (file) form.append(file[0], new Blob([file[1]]), 'frame.png');
    return {
      kind: 'http', family: 'multipart body', method: 'POST', path: routes[i % routes.length]!,
      headers: { authorization: `Bearer ${ctx.userKey}` }, body: form, echoes: fields.flat(),
    };
  });
}

const LIST_PARAMS = ['after', 'limit', 'order', 'status', 'model', 'created_after', 'created_before', 'q', 'period', 'start', 'variant', 'user_id', 'download'];

function queryCases(ctx: FuzzContext, seed: number): HttpCase[] {
  const targets = [
    ['/v1/videos', ctx.userKey], ['/v1/usage', ctx.userKey], [`/v1/videos/${ctx.videoId}/content`, ctx.userKey], [`/v1/videos/${ctx.videoId}/content_url`, ctx.userKey],
    ['/admin/users', ctx.adminKey], ['/admin/usage', ctx.adminKey],
    ['/v1/models', ctx.userKey], ['/v1/api_keys', ctx.userKey], [`/v1/videos/${ctx.videoId}/events`, ctx.userKey], ['/v1/session/methods', ''],
  ] as const;
  const queries = sample(fc.array(fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...LIST_PARAMS) }, { weight: 1, arbitrary: text }), pathValue), { minLength: 1, maxLength: 5 }), 260, seed);
  return queries.map((pairs, i) => {
    const [path, keyValue] = targets[i % targets.length]!;
    const query = pairs.map(([name, value]) => `${encode(name)}=${value}`).join('&');
    const headers: Record<string, string> = keyValue === '' ? {} : { authorization: `Bearer ${keyValue}` };
    return { kind: 'http', family: 'query string', method: 'GET', path: `${path}?${query}`, headers, echoes: pairs.flat() };
  });
}

function pathIdCases(ctx: FuzzContext, seed: number): HttpCase[] {
  // Our routes get 16 ids each; Bull Board's many routes (its UI's own API) 3 each.
  const withParams = ctx.routes.filter((route) => route.includes(':'))
    .flatMap((route) => Array.from({ length: route.includes('/admin/queues') ? 3 : 16 }, () => route));
  const ids = sample(pathValue, withParams.length, seed);
  return ids.map((id, i) => {
    const route = withParams[i]!;
    const [method, url] = route.split(' ') as [string, string];
    const path = url.replace(/:\w+/g, id).replace(/\*$/, '');
    const keyValue = url.startsWith('/admin') ? ctx.adminKey : ctx.userKey;
    const body = ['POST', 'PATCH', 'PUT'].includes(method) ? JSON.stringify({ prompt: 'again', name: 'n', disabled: false, budgets: [{ period: 'day', limit_micros: 1 }] }) : undefined;
    const headers: Record<string, string> = { authorization: `Bearer ${keyValue}` };
    if (body !== undefined && !url.startsWith('/admin/queues')) headers['content-type'] = 'application/json';
    return { kind: 'http', family: 'path id', method, path, headers, ...(body !== undefined && headers['content-type'] ? { body } : {}), echoes: [id, decodeSafely(id)] };
  });
}

function decodeSafely(value: string): string {
  try { return decodeURIComponent(value); } catch { return value; }
}

/** Header values fetch can send: latin-1 without control characters. */
const headerText = text.map((value) => value.replace(/[^\x20-\x7e\xa0-\xff]/g, '').trim());

function headerCases(ctx: FuzzContext, seed: number): HttpCase[] {
  const authorization = fc.oneof(
    fc.constantFrom(`Bearer ${ctx.userKey}`, `Bearer ${ctx.userKey} junk`, `bearer ${ctx.userKey}`, `Bearer  ${ctx.userKey}`, 'Bearer', `Token ${ctx.userKey}`, `Bearer ${ctx.userKey.slice(0, -1)}`, `Bearer ${'a'.repeat(8000)}`, 'Bearer a.b.c', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', `Basic ${Buffer.from(`x:${ctx.adminKey}`).toString('base64')}`, `Bearer ${ctx.adminKey}`),
    headerText.map((value) => `Bearer ${value}`),
    headerText,
  );
  const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-16', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'text/plain', 'multipart/form-data', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/jsonx', 'application/json;;;', '*/*', 'image/png');
  const range = fc.oneof(fc.constantFrom('bytes=0-10', 'bytes=-5', 'bytes=5-', 'bytes=10-0', 'bytes=0-0,5-9', 'bytes=abc', 'items=0-1', 'bytes=99999999999999999999-', 'bytes=-0', 'bytes=0-99999999999999999999'), headerText);
  const requests = sample(fc.record({
    authorization,
    idempotencyKey: fc.option(fc.oneof(headerText, fc.constant('k'.repeat(1000)))),
    range: fc.option(range),
    contentType: fc.option(contentType),
    target: fc.constantFrom('POST /v1/videos', 'POST /v1/videos/quote', 'GET /v1/videos', `GET /v1/videos/${ctx.videoId}/content`, `POST /v1/videos/${ctx.videoId}/cancel`, 'GET /admin/users'),
    body: fc.oneof(fc.constant(JSON.stringify({ prompt: 'a fox in snow' })), fc.constant(''), text),
  }), 240, seed);
  return requests.map((r) => {
    const [method, path] = r.target.split(' ') as [string, string];
    const headers: Record<string, string> = { authorization: r.authorization };
    if (r.idempotencyKey !== null) headers['idempotency-key'] = r.idempotencyKey;
    if (r.range !== null) headers.range = r.range;
    if (r.contentType !== null) headers['content-type'] = r.contentType;
    const body = method === 'POST' && r.contentType !== null ? r.body : undefined;
    return { kind: 'http', family: 'headers', method, path, headers, ...(body === undefined ? {} : { body }), echoes: [...Object.values(headers), r.body] };
  });
}

function framingCases(ctx: FuzzContext, seed: number): RawCase[] {
  const auth = `Authorization: Bearer ${ctx.userKey}\r\n`;
  const line = fc.oneof(
    fc.constantFrom('GET /v1/videos HTTP/1.1', 'POST /v1/videos HTTP/1.1', 'GET /v1/videos HTTP/1.0', 'CONNECT 127.0.0.1:22 HTTP/1.1', 'CONNECT /v1/videos HTTP/1.1', 'GET /v1/vid\u0000eos HTTP/1.1', 'GET /v1/videos HTTP/9.9', 'GET  /v1/videos HTTP/1.1', 'FOO /v1/videos HTTP/1.1', 'GET v1/videos HTTP/1.1', 'GET /v1/videos', 'GET http://x/v1/videos HTTP/1.1', `GET /v1/videos/${'a'.repeat(17_000)} HTTP/1.1`),
    fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((path) => `GET /${path} HTTP/1.1`),
  );
  const framing = fc.constantFrom(
    'Content-Length: 2\r\n\r\n{}',
    'Content-Length: 1\r\nContent-Length: 2\r\n\r\nab',
    'Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    'Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
    'Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
    'Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n',
    'Content-Length: -1\r\n\r\n',
    'Content-Length: abc\r\n\r\n',
    'Content-Length: 99999999999999999999\r\n\r\n',
    `X-Big: ${'b'.repeat(17 * 1024)}\r\n\r\n`,
    'Bad Header\r\n\r\n',
    ' Folded: header\r\n\r\n',
    'X-Nul: a\u0000b\r\n\r\n',
    '\r\n',
  );
  // Host is left out of one request in four: HTTP/1.1 requires it, and Node refuses its absence outside Fastify.
  const host = fc.oneof({ weight: 3, arbitrary: fc.constant('Host: 127.0.0.1\r\n') }, { weight: 1, arbitrary: fc.constant('') });
  const requests = sample(fc.tuple(line, host, fc.boolean(), fc.boolean(), framing), 120, seed);
  return requests.map(([requestLine, hostHeader, withAuth, withJson, rest]) => {
    const head = `${requestLine}\r\n${hostHeader}Connection: close\r\n${withAuth ? auth : ''}${withJson ? 'Content-Type: application/json\r\n' : ''}${rest}`;
    return { kind: 'raw', family: 'raw framing', bytes: Buffer.from(head, 'latin1'), echoes: [requestLine] };
  });
}

/** A lone UTF-16 surrogate somewhere in a string: JSON can spell it (`\ud800`), UTF-8 cannot. */
const loneSurrogate = fc.tuple(fc.string({ maxLength: 8 }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.string({ maxLength: 8 }))
  .map(([before, unit, after]) => `${before}${String.fromCharCode(unit)}${after}`);
/** What one bad string may be: lone surrogates, NULs, any code points, the usual nasties. */
const badString = fc.oneof(
  { weight: 3, arbitrary: loneSurrogate },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 2, arbitrary: nasty },
);

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Where the strings of a JSON value are: each leaf string, and each object key (`key: true`). */
function stringSlots(value: Json, path: (string | number)[] = []): { path: (string | number)[]; key: boolean }[] {
  if (typeof value === 'string') return [{ path, key: false }];
  if (Array.isArray(value)) return value.flatMap((item, index) => stringSlots(item, [...path, index]));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([name, item]) => [{ path: [...path, name], key: true }, ...stringSlots(item, [...path, name])]);
}

/** The value with the string at `path` (or, with `key`, the last key of `path`) replaced by `text`. */
function replaceSlot(value: Json, path: readonly (string | number)[], key: boolean, text: string): Json {
  if (path.length === 0) return text;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((item, index) => (index === head ? replaceSlot(item, rest, key, text) : item));
  return Object.fromEntries(Object.entries(value as Record<string, Json>).map(([name, item]) => {
    if (name !== head) return [name, item];
    return key && rest.length === 0 ? [text, item] : [name, replaceSlot(item, rest, key, text)];
  }));
}

/**
 * Valid requests to every JSON route, each with exactly one string (or key) made bad: the body passes every
 * other check, so the bad string reaches whatever stores it (a JSON column, a text column, a lookup).
 */
function oneBadStringCases(ctx: FuzzContext, seed: number): HttpCase[] {
  const scene: Json = { prompt: 'a calm sea at dawn', model: 'sora-2', seconds: '4', size: '720x1280', metadata: { project: 'tide', scene: 'one' } };
  const templates: [string, string, string, Json][] = [
    ['POST', '/v1/videos', ctx.userKey, scene],
    ['POST', '/v1/videos/quote', ctx.userKey, { ...scene, input_reference: { image_url: 'https://example.com/first.png' } }],
    ['POST', `/v1/videos/${ctx.videoId}/remix`, ctx.userKey, { prompt: 'the same sea at dusk', metadata: { take: 'two' } }],
    ['POST', '/admin/users', ctx.adminKey, { name: 'Ada', email: 'ada@example.com', role: 'user', oidc_subject: 'sub-ada' }],
    ['PATCH', `/admin/users/${ctx.userId}`, ctx.adminKey, { oidc_subject: 'sub-fuzz' }],
    ['POST', `/admin/users/${ctx.userId}/api_keys`, ctx.adminKey, { name: 'ci key' }],
    ['PATCH', `/admin/users/${ctx.userId}/budgets`, ctx.adminKey, { budgets: [{ period: 'month', model: 'sora-2', limit_micros: 1_000_000_000 }] }],
    ['POST', '/v1/api_keys', ctx.userKey, { name: 'studio laptop' }],
    ['POST', `/admin/videos/${ctx.videoId}/resolve`, ctx.adminKey, { action: 'fail_release', reason: 'stuck at the provider' }],
  ];
  const drawn = sample(fc.tuple(fc.nat({ max: templates.length - 1 }), fc.nat(), badString), 240, seed);
  return drawn.map(([which, slotIndex, bad]) => {
    const [method, path, keyValue, template] = templates[which]!;
    const slots = stringSlots(template);
    const slot = slots[slotIndex % slots.length]!;
    const body = JSON.stringify(replaceSlot(template, slot.path, slot.key, bad));
    return { ...jsonCase('one bad string', method, path, keyValue, body), echoes: [body, bad] };
  });
}

/**
 * The signed /files URL with its parts mangled one or several at a time: the key (dot segments, encoded slashes,
 * NULs, other prefixes), `expires` (huge, negative, not a number), the signature (bad base64, flipped, padded)
 * and the download name, with a Range now and then. No API key: the signature is the credential.
 */
function signedFileCases(ctx: FuzzContext, seed: number): HttpCase[] {
  const good = new URL(ctx.signedFilePath, 'http://x');
  const goodKey = good.pathname.slice('/files/'.length);
  const goodSignature = good.searchParams.get('signature') ?? '';
  const keyPart = fc.oneof(
    { weight: 2, arbitrary: fc.constant(goodKey) },
    { weight: 1, arbitrary: fc.constantFrom('videos/../inputs/x/reference', '..%2F..%2Fetc%2Fpasswd', encodeURIComponent(goodKey), `${goodKey}%00`, `${goodKey}/`, `./${goodKey}`, `inputs/${goodKey.split('/')[1]}/reference`, goodKey.replace('videos/', 'videos//'), '', '%', '%zz') },
    { weight: 2, arbitrary: fc.array(pathValue, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/')) },
  );
  const expiresPart = fc.oneof(
    { weight: 2, arbitrary: fc.constant(good.searchParams.get('expires') ?? '') },
    { weight: 1, arbitrary: fc.constantFrom('9'.repeat(30), '-1', '0', '1e12', '0x10', ' 1', '8640000000001') },
    { weight: 1, arbitrary: pathValue },
  );
  const signaturePart = fc.oneof(
    { weight: 2, arbitrary: fc.constant(goodSignature) },
    { weight: 1, arbitrary: fc.constantFrom(`${goodSignature}=`, goodSignature.replace(/-/g, '+').replace(/_/g, '/'), goodSignature.slice(1), `A${goodSignature.slice(1)}`, 'A'.repeat(5000), '%00', '') },
    { weight: 1, arbitrary: pathValue },
  );
  const requests = sample(fc.record({
    key: keyPart,
    expires: fc.option(expiresPart, { freq: 8 }),
    signature: fc.option(signaturePart, { freq: 8 }),
    download: fc.option(pathValue, { freq: 1 }),
    range: fc.option(fc.constantFrom('bytes=0-10', 'bytes=-5', 'bytes=99999999999999999999-', 'bytes=abc'), { freq: 2 }),
  }), 200, seed);
  return requests.map((r) => {
    const query = [['expires', r.expires], ['signature', r.signature], ['download', r.download]]
      .filter((pair): pair is [string, string] => pair[1] !== null).map(([name, value]) => `${name}=${value}`).join('&');
    const headers: Record<string, string> = r.range === null ? {} : { range: r.range };
    return { kind: 'http', family: 'signed file', method: 'GET', path: `/files/${r.key}${query ? `?${query}` : ''}`, headers, echoes: [r.key, decodeSafely(r.key), r.expires ?? '', r.signature ?? '', r.download ?? ''] };
  });
}

/**
 * Page loads at generated paths, as a browser asks for them (Accept: text/html): the Studio's index.html, or
 * under an API prefix or /assets/ the JSON 404, never a 5xx. HEAD too, and a few that do not ask for HTML.
 */
function studioPageCases(seed: number): HttpCase[] {
  const prefix = fc.constantFrom('', '', '/v1', '/admin', '/assets', '/docs', '/health', '/files', '/gallery', '/videos');
  const requests = sample(fc.record({
    prefix,
    segments: fc.array(pathValue, { minLength: 0, maxLength: 3 }),
    method: fc.constantFrom('GET', 'GET', 'HEAD'),
    accept: fc.constantFrom('text/html,application/xhtml+xml,*/*;q=0.8', 'text/html', 'TEXT/HTML', '*/*', 'application/json'),
  }), 120, seed);
  return requests.map((r) => {
    const rest = r.segments.join('/');
    const path = `${r.prefix}/${rest}`.replace(/^\/\//, '/');
    return { kind: 'http', family: 'studio page', method: r.method, path, headers: { accept: r.accept }, echoes: [rest, decodeSafely(rest)] };
  });
}

/** Every case of a run, in a fixed order for a given seed. */
export function fuzzCases(ctx: FuzzContext, seed: number): FuzzCase[] {
  return [
    ...jsonBodyCases(ctx, seed),
    ...multipartCases(ctx, seed + 10),
    ...queryCases(ctx, seed + 20),
    ...pathIdCases(ctx, seed + 30),
    ...headerCases(ctx, seed + 40),
    ...framingCases(ctx, seed + 50),
    ...oneBadStringCases(ctx, seed + 60),
    ...signedFileCases(ctx, seed + 70),
    ...studioPageCases(seed + 80),
  ];
}
