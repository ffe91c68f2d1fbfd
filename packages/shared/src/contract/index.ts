// The HTTP contract alone (schemas and their types, zod only), for clients such as the Studio that import its types.
export * from './admin-video.schemas.ts';
export * from './admin.schemas.ts';
export * from './budget.schemas.ts';
export * from './error.schemas.ts';
export * from './form-fields.ts';
export * from './health.schemas.ts';
export * from './ledger-check.schemas.ts';
export * from './model.schemas.ts';
export * from './quote.schemas.ts';
export * from './session.schemas.ts';
export * from './unix-seconds.schemas.ts';
export * from './usage.schemas.ts';
export * from './video-content-url.schemas.ts';
export * from './video-event.schemas.ts';
export * from './video.schemas.ts';
export * from './webhook-delivery.schemas.ts';
export * from './webhook.schemas.ts';
