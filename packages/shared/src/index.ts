// The contract both sides sign: config, errors, ids, the model catalogue, request/response schemas,
// the database view and shared queries, queue definitions, storage and logging.
export * from './config.ts';
export * from './errors.ts';
export * from './ids.ts';
export * from './logger.ts';
export * from './redis.ts';
export * from './queues.ts';
export * from './catalog/model-catalog.ts';
export * from './catalog/pricing.ts';
export * from './contract/video.schemas.ts';
export * from './contract/error.schemas.ts';
export * from './contract/admin.schemas.ts';
export * from './contract/health.schemas.ts';
export * from './db/database.ts';
export * from './db/connection.ts';
export * from './db/video.queries.ts';
export * from './db/ledger.queries.ts';
export * from './storage/storage.ts';
export * from './storage/local.storage.ts';
export * from './storage/create-storage.ts';
export * from './auth/api-key.ts';
