// The API's own types, from the shared contract: type-only, so no schema code reaches the bundle.
export type * from '@sora-studio/shared/contract';
