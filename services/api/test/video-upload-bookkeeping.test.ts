// The create path stores an uploaded input_reference before its transaction, so it keeps books: a
// storage_uploads row committed before the object is stored, deleted by the transaction that inserts the
// video. A create that succeeds leaves no row; one that fails removes its object and row at once; one that
// dies in between leaves both for the orphan sweeper (services/worker/test/orphan-uploads.test.ts).
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import OpenAI, { RateLimitError, toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@sora-studio/shared';
import { createBudget, startTestS3Server, type TestS3Server, type TestUser } from '@sora-studio/testkit';
import { storeInputReference } from '../src/videos/video-input-reference.ts';
import { PNG_BYTES, startApi, type ApiHarness } from './api-harness.ts';

describe.each(['local', 's3'] as const)('the upload bookkeeping of a create on the %s driver', (driver) => {
  let s3: TestS3Server | undefined;
  let api: ApiHarness;
  let user: TestUser;
  let sdk: OpenAI;

  beforeAll(async () => {
    s3 = driver === 's3' ? await startTestS3Server({ label: 'upload-books' }) : undefined;
    api = await startApi(`api_upload_books_${driver}`, s3?.configEnv ?? {});
    user = await api.newUser();
    sdk = new OpenAI({ apiKey: user.apiKey, baseURL: `${api.origin}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await api?.close();
    await s3?.stop();
  });

  const uploadRows = () => api.db.selectFrom('storageUploads').select('storageKey').execute();
  const isStored = async (key: string) => (await api.storage.stat(key)) !== null;
  /** Every stored input image, in the bucket (S3) or under STORAGE_DIR (local, sidecars left out). */
  async function storedInputs(): Promise<string[]> {
    if (s3) return s3.listKeys('inputs/');
    const entries = await readdir(join(api.config.STORAGE_DIR, 'inputs'), { recursive: true, withFileTypes: true }).catch(() => []);
    return entries.filter((entry) => entry.isFile() && !entry.name.endsWith('.meta'))
      .map((entry) => relative(api.config.STORAGE_DIR, join(entry.parentPath, entry.name))).sort();
  }

  it('leaves no storage_uploads row after a create that succeeds, and the video keeps its upload', async () => {
    const video = await sdk.videos.create({ prompt: 'with a first frame', input_reference: await toFile(PNG_BYTES, 'first.png') });
    expect(await uploadRows()).toEqual([]);
    expect(await isStored(`inputs/${video.id}/reference`)).toBe(true);
  });

  it('removes the object and its row at once when the create is refused after the upload was stored (insufficient quota)', async () => {
    const poor = await api.newUser();
    await createBudget(api.db, poor.id, 'month', 1);
    const poorSdk = new OpenAI({ apiKey: poor.apiKey, baseURL: `${api.origin}/v1`, maxRetries: 0 });
    const videosBefore = await api.db.selectFrom('videos').select('id').execute();

    await expect(poorSdk.videos.create({ prompt: 'too dear', input_reference: await toFile(PNG_BYTES, 'first.png') })).rejects.toBeInstanceOf(RateLimitError);

    expect(await api.db.selectFrom('videos').select('id').execute()).toEqual(videosBefore);
    expect(await uploadRows()).toEqual([]);
    expect(await storedInputs()).toEqual(videosBefore.map((video) => `inputs/${video.id}/reference`).sort());
  });

  it('leaves the row and the object for the orphan sweeper when the create dies between its upload and its transaction', async () => {
    const videoId = newId('video');
    // The first half of a create, as the service runs it; the process dies before the transaction.
    const key = await storeInputReference(api, videoId, { field: 'input_reference', bytes: PNG_BYTES, declaredType: 'image/png' });

    expect(await uploadRows()).toEqual([{ storageKey: key }]);
    expect(await isStored(key)).toBe(true);
    await api.db.deleteFrom('storageUploads').execute();
    await api.storage.delete(key);
  });
});
