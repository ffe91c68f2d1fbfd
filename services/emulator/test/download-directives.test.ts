// The download directives, each seen through real HTTP: asset_ttl_s, download_fail, download_cut, download_rate and
// asset_bytes (its size, its length header and the MP4 box structure players rely on).
import { parseMp4, waitFor } from '@sora-studio/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../src/index.ts';
import { errorOf, rawRequest, sdkClient, waitForStatus } from './support/emulator-clients.ts';

let emulator: RunningEmulator;
let client: OpenAI;

beforeAll(async () => {
  emulator = await startEmulator({ renderMs: 30 });
  client = sdkClient(emulator);
});
afterAll(() => emulator.close());

async function completedVideo(prompt: string): Promise<OpenAI.Videos.Video> {
  const video = await client.videos.create({ prompt });
  return waitForStatus(client, video.id, 'completed');
}

function download(videoId: string, options: { variant?: string; fault?: string } = {}): Promise<Response> {
  const query = options.variant ? `?variant=${options.variant}` : '';
  return rawRequest(emulator, `/videos/${videoId}/content${query}`, options.fault ? { headers: { 'x-emulator-fault': options.fault } } : {});
}

/** Reads a body to its end, or to the error that ends it early; never throws. */
async function drain(response: Response): Promise<{ bytes: Buffer; error: unknown }> {
  const parts: Buffer[] = [];
  try {
    for await (const part of response.body!) parts.push(Buffer.from(part));
    return { bytes: Buffer.concat(parts), error: undefined };
  } catch (error) {
    return { bytes: Buffer.concat(parts), error };
  }
}

describe('asset_ttl_s', () => {
  it("sets expires_at that many seconds after completion and expires the downloads then", async () => {
    // Two seconds: long enough for the first download on a busy machine, short enough to wait for.
    const video = await completedVideo('short-lived [[emulator:asset_ttl_s=2]]');
    expect(video.expires_at).toBe(video.completed_at! + 2);
    const early = await download(video.id);
    expect(early.status).toBe(200);
    await early.arrayBuffer();

    const late = await waitFor(async () => {
      const response = await download(video.id);
      return response.status === 404 && response;
    }, { timeoutMs: 8_000, intervalMs: 50, what: 'the download to expire' });
    expect(await errorOf(late)).toMatchObject({ code: 'video_expired' });
  });

  it('with 0, completes a video whose downloads are already gone', async () => {
    const video = await completedVideo('gone at once [[emulator:asset_ttl_s=0]]');
    expect(video.expires_at).toBe(video.completed_at);
    await expect(client.videos.downloadContent(video.id)).rejects.toMatchObject({ status: 404, code: 'video_expired' });
  });

  it('leaves other videos on the server TTL', async () => {
    const video = await completedVideo('long-lived');
    expect(video.expires_at).toBe(video.completed_at! + 3_600);
  });
});

describe('download_fail', () => {
  it('answers the first N downloads of a video with 500, every variant counted together, then serves it', async () => {
    const video = await completedVideo('flaky cdn [[emulator:download_fail=2]]');

    await expect(client.videos.downloadContent(video.id, { variant: 'thumbnail' })).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    const second = await download(video.id);
    expect(second.status).toBe(500);
    expect(await errorOf(second)).toMatchObject({ type: 'server_error', param: null, code: null, message: expect.stringContaining('download_fail') });

    const third = await client.videos.downloadContent(video.id);
    expect(third.headers.get('content-type')).toBe('video/mp4');
    expect((await third.arrayBuffer()).byteLength).toBe(Number(third.headers.get('content-length')));
  });

  it('obeys the directive in a download request header as well', async () => {
    const video = await completedVideo('plain video');
    expect((await download(video.id, { fault: 'download_fail=1' })).status).toBe(500);
    expect((await download(video.id, { fault: 'download_fail=1' })).status).toBe(200);
  });
});

describe('download_cut', () => {
  it('sends the full Content-Length, then ends the connection mid-body, for the first N downloads', async () => {
    const video = await completedVideo('cut transfers [[emulator:download_cut=2]]');

    for (let attempt = 1; attempt <= 2; attempt += 1) {
      const response = await download(video.id);
      expect(response.status).toBe(200);
      const length = Number(response.headers.get('content-length'));
      expect(length).toBeGreaterThan(100_000);
      const { bytes, error } = await drain(response);
      expect(error).toBeInstanceOf(Error);
      expect(bytes.length).toBeLessThan(length);
    }
    const whole = await drain(await download(video.id));
    expect(whole.error).toBeUndefined();
    expect(whole.bytes.length).toBeGreaterThan(100_000);
  });

  it('fails first, then cuts, when both are asked for', async () => {
    const video = await completedVideo('both [[emulator:download_fail=1;download_cut=1]]');
    expect((await download(video.id)).status).toBe(500);
    expect((await drain(await download(video.id))).error).toBeInstanceOf(Error);
    expect((await drain(await download(video.id))).error).toBeUndefined();
  });

  it('makes the SDK see the cut as a failed read', async () => {
    const video = await completedVideo('sdk cut [[emulator:download_cut=1]]');
    const response = await client.videos.downloadContent(video.id);
    await expect(response.arrayBuffer()).rejects.toThrow();
  });
});

describe('download_rate', () => {
  it('sends the body at about the given rate', async () => {
    const rate = 400_000;
    const video = await completedVideo(`throttled [[emulator:download_rate=${rate}]]`);
    const startedMs = performance.now();
    const response = await download(video.id);
    const { bytes, error } = await drain(response);
    const seconds = (performance.now() - startedMs) / 1000;

    expect(error).toBeUndefined();
    expect(bytes.length).toBe(Number(response.headers.get('content-length')));
    const expectedSeconds = bytes.length / rate;
    expect(seconds).toBeGreaterThan(expectedSeconds * 0.8);
    // Loose above: a busy machine only slows it further; the lower bound is what shows the pacing.
    expect(seconds).toBeLessThan(expectedSeconds * 3 + 1);
  });
});

interface TopLevelBox {
  type: string;
  start: number;
  size: number;
}

/** The file's top-level ISO BMFF boxes, read from their 32-bit size and type headers. */
function topLevelBoxes(bytes: Buffer): TopLevelBox[] {
  const boxes: TopLevelBox[] = [];
  for (let start = 0; start < bytes.length;) {
    const size = bytes.readUInt32BE(start);
    boxes.push({ type: bytes.toString('latin1', start + 4, start + 8), start, size });
    if (size < 8) break;
    start += size;
  }
  return boxes;
}

describe('asset_bytes', () => {
  it('pads the video to exactly N bytes with a free box after the rendered MP4, which still parses', async () => {
    const video = await completedVideo('padded to five megabytes');
    const plain = await drain(await download(video.id));
    const total = 5_000_000;

    const response = await download(video.id, { fault: `asset_bytes=${total}` });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(total));
    expect(response.headers.get('content-type')).toBe('video/mp4');
    const { bytes } = await drain(response);

    expect(bytes.length).toBe(total);
    expect(bytes.subarray(0, plain.bytes.length).equals(plain.bytes)).toBe(true);
    const boxes = topLevelBoxes(bytes);
    expect(boxes.map((box) => box.type)).toEqual(['ftyp', 'moov', 'mdat', 'free']);
    const free = boxes.at(-1)!;
    expect(free).toEqual({ type: 'free', start: plain.bytes.length, size: total - plain.bytes.length });
    expect(bytes.subarray(free.start + 8).every((byte) => byte === 0)).toBe(true);
    const movie = await parseMp4(bytes);
    expect(movie.videoTracks).toHaveLength(1);
    expect(movie.videoTracks[0]?.nb_samples).toBeGreaterThan(0);
  });

  it('pads only the video variant', async () => {
    const video = await completedVideo('padded video, plain thumbnail [[emulator:asset_bytes=2000000]]');
    const thumbnail = await download(video.id, { variant: 'thumbnail' });
    expect(thumbnail.headers.get('content-type')).toBe('image/jpeg');
    expect(Number(thumbnail.headers.get('content-length'))).toBeLessThan(100_000);
    expect((await drain(thumbnail)).bytes.length).toBe(Number(thumbnail.headers.get('content-length')));
    expect((await drain(await download(video.id))).bytes.length).toBe(2_000_000);
  });

  it('refuses a size too small for the rendered MP4 with 400', async () => {
    const video = await completedVideo('too small [[emulator:asset_bytes=1000]]');
    const response = await download(video.id);
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ type: 'invalid_request_error', code: 'invalid_emulator_directive' });
  });

  it('cuts and paces a padded download like any other', async () => {
    const video = await completedVideo('padded and cut [[emulator:asset_bytes=3000000;download_cut=1]]');
    const response = await download(video.id);
    expect(response.headers.get('content-length')).toBe('3000000');
    const { bytes, error } = await drain(response);
    expect(error).toBeInstanceOf(Error);
    expect(bytes.length).toBeLessThan(3_000_000);
  });

  it('refuses asset_bytes above 2 GiB when the video is created', async () => {
    await expect(client.videos.create({ prompt: 'huge [[emulator:asset_bytes=3000000000]]' })).rejects.toMatchObject({ status: 400, code: 'invalid_emulator_directive' });
  });
});
