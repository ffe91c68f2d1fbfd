// Anchor for the status read: the Fastify + Redis server (fastify-redis.server.ts, a process of its own) under the
// same autocannon load as GET /v1/videos/{id}. The cached body is a video object of the size the API returns.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { infrastructure } from '@sora-studio/testkit';
import { runHttpLoad, type HttpLoadFigures } from '../http-load.ts';
import { startServiceProcess } from '../service-process.ts';

const SERVER = fileURLToPath(new URL('fastify-redis.server.ts', import.meta.url));
const VIDEO_ID = 'video_anchor0000000000000000';

/** A finished video, shaped like the API's reply (video.mapper.ts), so JSON.parse and the reply's serialization do comparable work. */
function sampleVideo(): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    id: VIDEO_ID, object: 'video', model: 'sora-2', status: 'completed', progress: 100, created_at: now - 10,
    completed_at: now, expires_at: now + 86_400, prompt: 'a bench of videos, one after another', size: '1280x720',
    seconds: '4', remixed_from_video_id: null, error: null,
    cost: { estimated_micros: 400_000, actual_micros: 400_000, currency: 'usd' }, metadata: null, cancel_requested_at: null,
  };
}

export async function measureFastifyRedisGet(): Promise<HttpLoadFigures> {
  const { redisUrl } = await infrastructure();
  const keyPrefix = `sora_anchor_${randomBytes(4).toString('hex')}`;
  const redis = new Redis(redisUrl);
  const key = `${keyPrefix}:video:${VIDEO_ID}`;
  await redis.set(key, JSON.stringify(sampleVideo()));
  const server = await startServiceProcess('fastify-redis anchor', SERVER, { ...process.env, REDIS_URL: redisUrl, ANCHOR_KEY_PREFIX: keyPrefix },
    (entry) => entry.msg === 'anchor listening');
  try {
    const url = `${String(server.readyLine.address)}/v1/videos/${VIDEO_ID}`;
    const probe = await fetch(url);
    if (!probe.ok) throw new Error(`the anchor answered ${probe.status}`);
    return await runHttpLoad({ url });
  } finally {
    await server.stop();
    await redis.del(key);
    redis.disconnect();
  }
}
