// Anchor server for the status read: Fastify 5 answering GET /v1/videos/:id with one Redis GET and JSON.parse,
// no auth, no database. A process of its own, like the API it stands beside. Env: REDIS_URL, ANCHOR_KEY_PREFIX.
import Fastify from 'fastify';
import { Redis } from 'ioredis';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const keyPrefix = process.env.ANCHOR_KEY_PREFIX ?? 'sora_anchor';
const app = Fastify({ logger: false });

app.get<{ Params: { id: string } }>('/v1/videos/:id', async (request, reply) => {
  const cached = await redis.get(`${keyPrefix}:video:${request.params.id}`);
  if (cached === null) return reply.code(404).send({ error: { message: 'no such video' } });
  return JSON.parse(cached) as unknown;
});

const shutdown = async (): Promise<void> => {
  await app.close();
  redis.disconnect();
};
process.once('SIGTERM', () => void shutdown());

const address = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(JSON.stringify({ level: 30, msg: 'anchor listening', address }));
