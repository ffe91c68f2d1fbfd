// The flags every way of starting the API gives node: `npm start` (scripts/stack.ts), the bench
// (bench/src/service-process.ts), services/api's own `start` script and the Dockerfile's CMD, which cannot import
// this file and mirror it (scripts/test/api-node-flags.test.ts keeps them equal).
//
// V8 lets the young generation grow to 64 MiB per semi-space under load: 128 MiB of RSS, most of it garbage, and
// the API's RSS under the submit load above the 300 MB that issue 10 allows. 16 MiB keeps it near 230 MB at no
// cost per request that the bench can measure; 8 MiB costs CPU in more frequent scavenges (bench/README.md).
export const API_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=16'];
