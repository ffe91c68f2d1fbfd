import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { describe, expect, it } from 'vitest';
import { classifyProviderError, ProviderError, retryAfterMs } from '../src/provider/provider-errors.ts';

function httpError(status: number, error: { message: string; code?: string | null; type?: string } | undefined, headers: Record<string, string> = {}) {
  return APIError.generate(status, error ? { error } : undefined, undefined, new Headers(headers));
}

describe('classifyProviderError', () => {
  it('treats a 429 as retryable and reads retry-after-ms before retry-after', () => {
    const classified = classifyProviderError(httpError(429, { message: 'Slow down', code: 'rate_limit_exceeded' }, { 'retry-after-ms': '1500', 'retry-after': '9' }));
    expect(classified).toMatchObject({ kind: 'retryable', status: 429, code: 'rate_limit_exceeded', retryAfterMs: 1500, isRateLimit: true });
  });

  it('reads Retry-After in seconds when retry-after-ms is absent', () => {
    expect(classifyProviderError(httpError(429, { message: 'Slow down' }, { 'retry-after': '2' })).retryAfterMs).toBe(2000);
  });

  it('leaves the wait unknown on a 429 without retry headers', () => {
    expect(classifyProviderError(httpError(429, { message: 'Slow down' })).retryAfterMs).toBeNull();
  });

  it.each([408, 409, 500, 502, 503, 504])('treats HTTP %i as retryable', (status) => {
    const classified = classifyProviderError(httpError(status, { message: 'try later' }));
    expect(classified.kind).toBe('retryable');
    expect(classified.isRateLimit).toBe(false);
    expect(classified.retryAfterMs).toBeNull();
  });

  it.each([400, 401, 403, 404, 413, 422])('treats HTTP %i as terminal', (status) => {
    expect(classifyProviderError(httpError(status, { message: 'no' })).kind).toBe('terminal');
  });

  it("keeps the provider's code and message on a terminal error", () => {
    const classified = classifyProviderError(httpError(400, { message: 'Invalid size 1x1.', code: 'invalid_size', type: 'invalid_request_error' }));
    expect(classified).toMatchObject({ kind: 'terminal', status: 400, code: 'invalid_size', message: 'Invalid size 1x1.' });
  });

  it('falls back to the error type, then to the status, when the provider gives no code', () => {
    expect(classifyProviderError(httpError(400, { message: 'bad', code: null, type: 'invalid_request_error' })).code).toBe('invalid_request_error');
    expect(classifyProviderError(httpError(403, undefined)).code).toBe('provider_http_403');
  });

  it('treats network errors and timeouts as retryable', () => {
    const network = classifyProviderError(new APIConnectionError({ message: 'Connection error.', cause: new Error('ECONNREFUSED') }));
    const timeout = classifyProviderError(new APIConnectionTimeoutError());
    for (const classified of [network, timeout]) {
      expect(classified).toMatchObject({ kind: 'retryable', status: null, code: 'provider_unreachable' });
    }
  });

  it('treats an aborted request or an unknown error as retryable, since it may have reached the provider', () => {
    expect(classifyProviderError(new APIUserAbortError()).kind).toBe('retryable');
    expect(classifyProviderError(new TypeError('boom'))).toMatchObject({ kind: 'retryable', code: 'provider_error', message: 'boom' });
  });

  it('returns an already classified error unchanged', () => {
    const classified = new ProviderError('terminal', { status: 400, code: 'x', message: 'y' });
    expect(classifyProviderError(classified)).toBe(classified);
  });
});

describe('retryAfterMs', () => {
  it('reads an HTTP date relative to now', () => {
    const now = Date.parse('2026-11-24T10:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': 'Tue, 24 Nov 2026 10:00:03 GMT' }), now)).toBe(3000);
  });

  it('ignores a value it cannot read', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeNull();
    expect(retryAfterMs(undefined)).toBeNull();
  });
});
