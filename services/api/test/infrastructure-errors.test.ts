// Which failures become a 503 with Retry-After (Postgres or Redis unavailable) and which stay a 500 (bugs), as
// the drivers really raise them: a refused socket, pg's codeless messages, SQLSTATEs, ioredis' fail-fast errors.
import { describe, expect, it } from 'vitest';
import { createDb, createProducerRedis } from '@sora-studio/shared';
import { toAppError } from '../src/errors/to-app-error.ts';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('infrastructure failures', () => {
  it.each([
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'), 'service_unavailable'],
    ['a refused connection to every address', new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')]), 'service_unavailable'],
    ['a session ended by a shutdown (57P01)', withCode('terminating connection due to administrator command', '57P01'), 'database_unavailable'],
    ['a server still starting (57P03)', withCode('the database system is starting up', '57P03'), 'database_unavailable'],
    ['a connection exception (08006)', withCode('connection failure', '08006'), 'database_unavailable'],
    ['a statement timeout (57014)', withCode('canceling statement due to statement timeout', '57014'), 'database_unavailable'],
    ['a full pool', new Error('timeout exceeded when trying to connect'), 'database_unavailable'],
    ['a connection lost mid-query', new Error('Connection terminated unexpectedly'), 'database_unavailable'],
    ['a wrapped cause', new Error('step failed', { cause: withCode('terminating connection', '57P01') }), 'database_unavailable'],
    ['ioredis with its offline queue off', new Error("Stream isn't writeable and enableOfflineQueue options is false"), 'queue_unavailable'],
    ['ioredis out of retries', Object.assign(new Error('Reached the max retries per request limit (which is 1).'), { name: 'MaxRetriesPerRequestError' }), 'queue_unavailable'],
  ])('%s is a 503 with Retry-After', (_what, error, code) => {
    const appError = toAppError(error);
    expect(appError.status).toBe(503);
    expect(appError.toBody().error).toMatchObject({ type: 'service_unavailable', code, param: null });
    expect(appError.headers).toEqual({ 'retry-after': '2' });
    expect(appError.message).not.toMatch(/5432|ECONNREFUSED|administrator/);
  });

  it.each([
    ['an unknown error', new Error('boom')],
    ['a constraint violation', withCode('duplicate key value violates unique constraint', '23505')],
    ['a thrown string', 'nope'],
  ])('%s stays a 500 that says nothing', (_what, error) => {
    const appError = toAppError(error);
    expect(appError.status).toBe(500);
    expect(appError.toBody().error.type).toBe('server_error');
    expect(appError.headers).toEqual({});
  });

  it('a stopped Postgres, as pg really reports it through kysely, is a 503', async () => {
    const db = createDb('postgres://postgres@127.0.0.1:1/nowhere', { connectTimeoutMs: 1_000 });
    try {
      const error = await db.selectFrom('videos').select('id').execute().then(() => null, (caught: unknown) => caught);
      expect(toAppError(error).status).toBe(503);
    } finally {
      await db.destroy();
    }
  });

  it('a Redis that is down, as the API\'s fail-fast connection reports it, is a 503 and answers at once', async () => {
    const redis = createProducerRedis('redis://127.0.0.1:1');
    redis.on('error', () => undefined);
    try {
      const started = Date.now();
      const error = await redis.get('anything').then(() => null, (caught: unknown) => caught);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(toAppError(error).toBody().error.code).toBe('queue_unavailable');
    } finally {
      redis.disconnect();
    }
  });
});
