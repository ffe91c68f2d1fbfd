// Redis and Postgres servers of a test's own, for tests that stop, restart or flush them.
export * from './free-port.ts';
export * from './private-redis.ts';
export * from './private-postgres.ts';
