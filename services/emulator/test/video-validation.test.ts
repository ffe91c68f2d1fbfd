// Requests OpenAI would refuse are refused with a 400 in OpenAI's shape, naming the parameter at fault.
import { DEFAULT_MODEL_CATALOG, MAX_PROMPT_CHARS } from '@sora-studio/shared';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEmulator, startEmulator, type RunningEmulator } from '../src/index.ts';
import { errorOf, rawRequest, sdkClient, waitForStatus } from './support/emulator-clients.ts';

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator({ renderMs: 50 });
});
afterAll(() => emulator.close());

async function expectRefusal(response: Response, param: string | null, code?: string): Promise<void> {
  const error = await errorOf(response);
  expect(response.status, JSON.stringify(error)).toBe(400);
  expect(error).toMatchObject({ type: 'invalid_request_error', param, ...(code ? { code } : {}) });
  expect(error.message).toEqual(expect.any(String));
}

describe('create', () => {
  it.each([
    ['an unknown model', { prompt: 'p', model: 'sora-3' }, 'model', 'invalid_model'],
    ['a size the model does not offer', { prompt: 'p', model: 'sora-2', size: '1792x1024' }, 'size', 'invalid_size'],
    ['a malformed size', { prompt: 'p', size: 'big' }, 'size', 'invalid_value'],
    ['a duration the model does not offer', { prompt: 'p', seconds: '5' }, 'seconds', 'invalid_seconds'],
    ['a missing prompt', { model: 'sora-2' }, 'prompt', 'missing_required_parameter'],
    ['an empty prompt', { prompt: '' }, 'prompt', 'invalid_value'],
    ['a blank prompt', { prompt: '   ' }, 'prompt', 'invalid_value'],
    ['an oversized prompt', { prompt: 'x'.repeat(MAX_PROMPT_CHARS + 1) }, 'prompt', 'invalid_value'],
    ['an unknown field', { prompt: 'p', quality: 'high' }, 'quality', 'unknown_parameter'],
    ["Sora Studio's own metadata field", { prompt: 'p', metadata: { a: 'b' } }, 'metadata', 'unknown_parameter'],
    ['an input_reference with both image_url and file_id', { prompt: 'p', input_reference: { image_url: 'https://example.com/u.png', file_id: 'f' } }, 'input_reference', 'invalid_value'],
    ['an unknown key inside input_reference', { prompt: 'p', input_reference: { url: 'u' } }, 'input_reference.url', 'unknown_parameter'],
    ['an unknown fault directive', { prompt: 'p [[emulator:explode]]' }, 'prompt', 'invalid_emulator_directive'],
  ])('refuses %s', async (_case, json, param, code) => {
    await expectRefusal(await rawRequest(emulator, '/videos', { method: 'POST', json }), param, code);
  });

  it('accepts a size that only the pro model offers when the pro model is asked for', async () => {
    const response = await rawRequest(emulator, '/videos', { method: 'POST', json: { prompt: 'p', model: 'sora-2-pro', size: '1792x1024' } });
    expect(response.status).toBe(200);
  });

  it('refuses a body that is not a JSON object', async () => {
    await expectRefusal(await rawRequest(emulator, '/videos', { method: 'POST', json: ['prompt'] }), null, 'invalid_request_body');
  });

  it('refuses malformed JSON', async () => {
    const response = await rawRequest(emulator, '/videos', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"prompt":' });
    await expectRefusal(response, null);
  });

  it('names the parameter for the SDK, which sends multipart', async () => {
    const error = await sdkClient(emulator).videos.create({ prompt: 'p', size: '1024x1792' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, param: 'size', code: 'invalid_size' });
  });

  it.each([
    ['an unknown field', 'foo', 'x', 'foo'],
    ['an unknown nested field', 'input_reference[url]', 'x', 'input_reference.url'],
    ['a field that clashes with an object of the same name', 'input_reference', 'x', 'input_reference'],
    ['an array field, which OpenAI bodies never have', 'prompt[]', 'x', 'prompt[]'],
    ['a field named __proto__', '__proto__[polluted]', 'yes', '__proto__'],
  ])('refuses a multipart body with %s', async (_case, name, value, param) => {
    const form = new FormData();
    form.set('prompt', 'p');
    form.set('input_reference[image_url]', 'https://example.com/a.png');
    form.append(name, value);
    await expectRefusal(await rawRequest(emulator, '/videos', { method: 'POST', body: form }), param);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses input_reference given both as a file and as an object', async () => {
    const form = new FormData();
    form.set('prompt', 'p');
    form.set('input_reference[image_url]', 'https://example.com/a.png');
    form.set('input_reference', new Blob([Uint8Array.from([0xff, 0xd8, 0xff, 0xe0])]), 'a.jpg');
    await expectRefusal(await rawRequest(emulator, '/videos', { method: 'POST', body: form }), 'input_reference');
  });

  it('refuses a reference file that is not an image, and a file under another name', async () => {
    const notAnImage = new FormData();
    notAnImage.set('prompt', 'p');
    notAnImage.set('input_reference', new Blob(['plain text']), 'notes.txt');
    await expectRefusal(await rawRequest(emulator, '/videos', { method: 'POST', body: notAnImage }), 'input_reference', 'invalid_image');

    const otherFile = new FormData();
    otherFile.set('prompt', 'p');
    otherFile.set('video', new Blob(['bytes']), 'clip.mp4');
    await expectRefusal(await rawRequest(emulator, '/videos', { method: 'POST', body: otherFile }), 'video', 'unknown_parameter');
  });
});

describe('list, content and remix', () => {
  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=many', 'limit'],
    ['order=sideways', 'order'],
    ['status=completed', 'status'],
  ])('refuses a list with %s', async (query, param) => {
    await expectRefusal(await rawRequest(emulator, `/videos?${query}`), param);
  });

  it('refuses an unknown content variant', async () => {
    const video = await sdkClient(emulator).videos.create({ prompt: 'variants' });
    await expectRefusal(await rawRequest(emulator, `/videos/${video.id}/content?variant=poster`), 'variant');
  });

  it('refuses a remix without a prompt, or with fields OpenAI does not take', async () => {
    const client = sdkClient(emulator);
    const source = await client.videos.create({ prompt: 'remix source' });
    await waitForStatus(client, source.id, 'completed');
    await expectRefusal(await rawRequest(emulator, `/videos/${source.id}/remix`, { method: 'POST', json: {} }), 'prompt');
    await expectRefusal(await rawRequest(emulator, `/videos/${source.id}/remix`, { method: 'POST', json: { prompt: 'p', size: '1280x720' } }), 'size');
  });
});

describe('model catalogue', () => {
  it("follows a catalogue given in the emulator's options instead of the shared default", async () => {
    const catalog = {
      defaultModel: 'house-model',
      models: { 'house-model': { ...DEFAULT_MODEL_CATALOG.models['sora-2']!, seconds: ['4', '6'], defaultSeconds: '6' } },
    };
    const app = buildEmulator({ catalog });
    const create = (payload: object) => app.inject({ method: 'POST', url: '/v1/videos', headers: { authorization: 'Bearer k' }, payload });

    expect((await create({ prompt: 'p' })).json()).toMatchObject({ model: 'house-model', seconds: '6' });
    expect((await create({ prompt: 'p', model: 'sora-2' })).json().error).toMatchObject({ param: 'model' });
    await app.close();
  });
});

describe('malformed multipart', () => {
  it.each([
    ['a truncated body', 'multipart/form-data; boundary=zzz', '--zzz\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nhel'],
    ['a missing boundary', 'multipart/form-data', 'x'],
  ])('answers %s with a 400', async (_case, contentType, body) => {
    const response = await rawRequest(emulator, '/videos', { method: 'POST', headers: { 'content-type': contentType }, body });
    await expectRefusal(response, null, 'invalid_multipart');
  });
});
