import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_CATALOG, InvalidRequestError, priceVideoMicros, resolveVideoShape } from '@sora-studio/shared';

describe('resolveVideoShape', () => {
  it('fills in the model defaults', () => {
    expect(resolveVideoShape(DEFAULT_MODEL_CATALOG, {})).toEqual({ model: 'sora-2', size: '720x1280', seconds: '4' });
  });

  it.each([
    [{ model: 'sora-3' }, 'model'],
    [{ model: 'sora-2', size: '1024x1792' }, 'size'],
    [{ seconds: '5' }, 'seconds'],
  ])('refuses %o naming the %s field', (requested, param) => {
    expect(() => resolveVideoShape(DEFAULT_MODEL_CATALOG, requested)).toThrow(expect.objectContaining({ param }));
    expect(() => resolveVideoShape(DEFAULT_MODEL_CATALOG, requested)).toThrow(InvalidRequestError);
  });
});

describe('priceVideoMicros', () => {
  it('charges price per second times seconds, in integer micro-dollars', () => {
    expect(priceVideoMicros(DEFAULT_MODEL_CATALOG, { model: 'sora-2', size: '720x1280', seconds: '8' })).toBe(800_000);
    expect(priceVideoMicros(DEFAULT_MODEL_CATALOG, { model: 'sora-2-pro', size: '1792x1024', seconds: '12' })).toBe(6_000_000);
  });

  it('refuses a size the catalogue does not price rather than guessing', () => {
    expect(() => priceVideoMicros(DEFAULT_MODEL_CATALOG, { model: 'sora-2', size: '1792x1024', seconds: '4' })).toThrow(/No price/);
  });
});
