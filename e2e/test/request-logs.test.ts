// One grep follows a video from request to completion: every log line that names the video, in the API or
// the worker, carries the request id the client got back from the create.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../src/index.ts';

let stack: Stack;
beforeAll(async () => { stack = await startStack('e2e_logs', { renderMs: 200, logs: 'capture' }); });
afterAll(async () => { await stack?.stop(); });

describe('request logs', () => {
  it('tags every API and worker line about a video with the request id of its create', async () => {
    const sdk = new OpenAI({ baseURL: stack.baseURL, apiKey: stack.user.apiKey, maxRetries: 0 });
    const { data: video, response } = await sdk.videos.create({ prompt: 'a paper boat in the rain' }).withResponse();
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^req_/);
    // Waiting on the database, not the API: a retrieve would log lines of its own request about the video.
    await stack.waitForStatus(video.id, 'completed');

    const aboutVideo = stack.logs.filter((line) => JSON.stringify(line).includes(video.id));
    expect(new Set(aboutVideo.map((line) => line.requestId))).toEqual(new Set([requestId]));
    expect(new Set(aboutVideo.map((line) => line.service))).toEqual(new Set(['api', 'worker']));

    const ofRequest = stack.logs.filter((line) => line.requestId === requestId).map((line) => `${String(line.service)}: ${String(line.msg)}`);
    expect(ofRequest[0]).toBe('api: video queued');
    expect(ofRequest).toEqual(expect.arrayContaining(['api: video queued', 'worker: submitted', 'worker: completed']));
  });
});
