import { InvalidRequestError } from '@sora-studio/shared';
import { describe, expect, it } from 'vitest';
import { layerDirectives, parseFaultDirectives } from '../src/faults/fault-directives.ts';

const inPrompt = { param: 'prompt', bracketsOnly: true };
const inHeader = { param: null, bracketsOnly: false };

describe('parseFaultDirectives', () => {
  it('reads bracketed directives anywhere in a prompt, separated by semicolons or spaces', () => {
    const prompt = 'a fox [[emulator:fail=moderation]] in snow [[emulator:rate_limit=2; latency=500 render_ms=2000]] [[emulator:stall]]';
    expect(parseFaultDirectives(prompt, inPrompt)).toEqual({ fail: 'moderation', rate_limit: 2, latency: 500, render_ms: 2000, stall: true });
  });

  it('reads the download directives', () => {
    const prompt = '[[emulator:asset_ttl_s=5 download_fail=1 download_cut=2 asset_bytes=524288000 download_rate=1000000]]';
    expect(parseFaultDirectives(prompt, inPrompt)).toEqual({ asset_ttl_s: 5, download_fail: 1, download_cut: 2, asset_bytes: 524_288_000, download_rate: 1_000_000 });
    expect(parseFaultDirectives(`asset_bytes=${2 * 1024 ** 3}`, inHeader)).toEqual({ asset_bytes: 2 * 1024 ** 3 });
  });

  it('ignores bare words in a prompt', () => {
    expect(parseFaultDirectives('the engine will stall; latency=5 is fine', inPrompt)).toEqual({});
  });

  it('reads bare or bracketed directives in a header', () => {
    expect(parseFaultDirectives('server_error=1;latency=10', inHeader)).toEqual({ server_error: 1, latency: 10 });
    expect(parseFaultDirectives('[[emulator:fail=error]]', inHeader)).toEqual({ fail: 'error' });
    expect(parseFaultDirectives('', inHeader)).toEqual({});
  });

  it.each([
    ['an unknown directive', '[[emulator:explode]]'],
    ['an unknown failure', '[[emulator:fail=sometimes]]'],
    ['a negative count', '[[emulator:rate_limit=-1]]'],
    ['a value that is not a number', '[[emulator:latency=soon]]'],
    ['a value on stall', '[[emulator:stall=yes]]'],
    ['__proto__', '[[emulator:__proto__=1]]'],
    ['asset_bytes above 2 GiB', `[[emulator:asset_bytes=${2 * 1024 ** 3 + 1}]]`],
    ['a download_rate of 0', '[[emulator:download_rate=0]]'],
    ['a fractional asset_ttl_s', '[[emulator:asset_ttl_s=1.5]]'],
  ])('refuses %s, naming the parameter', (_case, prompt) => {
    const error = (() => {
      try {
        parseFaultDirectives(prompt, inPrompt);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ param: 'prompt', code: 'invalid_emulator_directive' });
  });
});

describe('layerDirectives', () => {
  it('lets later layers win while keeping the defaults they leave out', () => {
    const server = { latency: 0, render_ms: 3000, fail: 'error' as const };
    expect(layerDirectives(server, { render_ms: 50 }, { latency: 10 })).toEqual({ latency: 10, render_ms: 50, fail: 'error' });
  });
});
