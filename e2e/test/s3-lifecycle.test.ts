// A video's whole life through the official SDKs with STORAGE_DRIVER=s3, against an S3-compatible server the
// test starts (testkit's fauxqs), with an S3_PREFIX: the worker's copies land in the bucket under the documented
// keys, GET /content (the SDK's downloadContent) and the presigned content_url give the same bytes, Range works
// on both, and deleting the video removes its objects from the bucket.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VIDEO_VARIANTS } from '@sora-studio/shared';
import { startTestS3Server, type TestS3Server } from '@sora-studio/testkit';
import { SDKS, startStack, type SdkClient, type Stack } from '../src/index.ts';
import { followVideo, type SdkVideo } from './support/follow-video.ts';
import { downloadVariant } from './support/sdk-downloads.ts';

const PREFIX = 'studio/';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let s3: TestS3Server;
let stack: Stack;
beforeAll(async () => {
  s3 = await startTestS3Server({ label: 'e2e-s3-lifecycle' });
  stack = await startStack('e2e_s3_lifecycle', { renderMs: 500, logs: 'silent', env: { ...s3.configEnv, S3_PREFIX: PREFIX } });
});
afterAll(async () => {
  await stack?.stop();
  await s3?.stop();
});

describe.each(SDKS)('a video through $name on S3 storage', (sdkSpec) => {
  let sdk: SdkClient;
  let apiKey: string;
  let video: SdkVideo;

  beforeAll(async () => {
    const user = await stack.newUser();
    apiKey = user.apiKey;
    sdk = sdkSpec.client(stack.baseURL, apiKey);
    const created = await sdk.videos.create({ prompt: 'a glacier calving into a grey sea', model: 'sora-2', seconds: '4', size: '720x1280' });
    video = (await followVideo(sdk, created)).final;
  });

  async function contentUrl(variant: string): Promise<string> {
    const response = await fetch(`${stack.baseURL}/videos/${video.id}/content_url?variant=${variant}`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { url: string }).url;
  }

  it('completes, with its video, thumbnail and spritesheet in the bucket under S3_PREFIX and the documented keys', async () => {
    expect(video.status).toBe('completed');
    expect(await s3.listKeys(`${PREFIX}videos/${video.id}/`)).toEqual(['spritesheet', 'thumbnail', 'video'].map((variant) => `${PREFIX}videos/${video.id}/${variant}`));
    // The rows keep the driver-neutral key; the prefix is the driver's business.
    const rows = await stack.db.selectFrom('videoAssets').select(['variant', 'storageKey']).where('videoId', '=', video.id).orderBy('variant').execute();
    expect(rows).toEqual(['spritesheet', 'thumbnail', 'video'].map((variant) => ({ variant, storageKey: `videos/${video.id}/${variant}` })));
  });

  it('gives the same bytes through downloadContent and through the presigned content_url, for every variant', async () => {
    for (const variant of VIDEO_VARIANTS) {
      const viaSdk = await downloadVariant(sdk, video.id, variant);
      const url = await contentUrl(variant);
      expect(url.startsWith(`${s3.endpoint}/${s3.bucket}/${PREFIX}videos/${video.id}/${variant}?`)).toBe(true);
      expect(new URL(url).searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
      const viaUrl = await fetch(url);
      expect(viaUrl.status).toBe(200);
      const urlBytes = Buffer.from(await viaUrl.arrayBuffer());
      expect(viaSdk.bytes.length).toBeGreaterThan(0);
      expect({ variant, sha256: sha256(urlBytes), type: viaUrl.headers.get('content-type') }).toEqual({ variant, sha256: sha256(viaSdk.bytes), type: viaSdk.contentType });
      const row = await stack.db.selectFrom('videoAssets').select('sha256').where('videoId', '=', video.id).where('variant', '=', variant).executeTakeFirstOrThrow();
      expect(row.sha256).toBe(sha256(urlBytes));
    }
  });

  it('answers the same Range with the same bytes on /content and on the content_url', async () => {
    const whole = (await downloadVariant(sdk, video.id, 'video')).bytes;
    const url = await contentUrl('video');
    for (const [range, start, end] of [['bytes=0-99', 0, 99], ['bytes=-64', whole.length - 64, whole.length - 1], [`bytes=${whole.length - 10}-`, whole.length - 10, whole.length - 1]] as const) {
      const [viaContent, viaUrl] = await Promise.all([
        fetch(`${stack.baseURL}/videos/${video.id}/content`, { headers: { authorization: `Bearer ${apiKey}`, range } }),
        fetch(url, { headers: { range } }),
      ]);
      for (const response of [viaContent, viaUrl]) {
        expect({ range, status: response.status, contentRange: response.headers.get('content-range') }).toEqual({ range, status: 206, contentRange: `bytes ${start}-${end}/${whole.length}` });
        expect(Buffer.from(await response.arrayBuffer())).toEqual(whole.subarray(start, end + 1));
      }
    }
  });

  it('removes its objects from the bucket when deleted', async () => {
    expect((await sdk.videos.delete(video.id)).deleted).toBe(true);
    expect(await s3.listKeys(`${PREFIX}videos/${video.id}/`)).toEqual([]);
    await expect(sdk.videos.downloadContent(video.id)).rejects.toBeInstanceOf(sdkSpec.NotFoundError);
    expect((await fetch(`${stack.baseURL}/videos/${video.id}/content_url`, { headers: { authorization: `Bearer ${apiKey}` } })).status).toBe(404);
  });
});
