// The whole stack in-process, for the e2e tests and the bench.
export { startStack, type Stack, type StackOptions } from './stack.ts';
export { SDKS, type Sdk, type SdkClient } from './sdk-clients.ts';
