export * from './infrastructure.ts';
export * from './test-database.ts';
export * from './test-redis.ts';
export * from './wait-for.ts';
export * from './factories.ts';
