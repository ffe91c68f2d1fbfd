import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '@sora-studio/shared';
import { formFieldsToObject } from '@sora-studio/shared';

describe('formFieldsToObject', () => {
  it('turns bracket keys into nested objects and keeps scalars as strings', () => {
    expect(formFieldsToObject([
      ['prompt', 'a cat'],
      ['seconds', '8'],
      ['input_reference[image_url]', 'https://x/y.png'],
      ['metadata[team]', 'blue'],
      ['metadata[run]', '7'],
    ])).toEqual({ prompt: 'a cat', seconds: '8', input_reference: { image_url: 'https://x/y.png' }, metadata: { team: 'blue', run: '7' } });
  });

  it.each([
    ['a field given twice', [['prompt', 'a'], ['prompt', 'b']], 'prompt'],
    ['a value and an object under one name', [['metadata', 'x'], ['metadata[a]', 'b']], 'metadata[a]'],
    ['an object and then a value under one name', [['metadata[a]', 'b'], ['metadata', 'x']], 'metadata'],
    ['a list key', [['tags[]', 'a']], 'tags[]'],
    ['a prototype key', [['input_reference[__proto__]', 'x']], 'input_reference[__proto__]'],
    ['an unbalanced bracket', [['input_reference[image_url', 'x']], 'input_reference[image_url'],
  ] as const)('refuses %s, naming the field', (_name, fields, param) => {
    const attempt = () => formFieldsToObject(fields);
    expect(attempt).toThrow(InvalidRequestError);
    expect(() => attempt()).toThrow(expect.objectContaining({ param }) as Error);
  });
});
