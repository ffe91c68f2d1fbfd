// The flags every way of starting the API gives node: `npm start` (scripts/stack.ts), the bench
// (bench/src/service-process.ts), services/api's own `start` script and the Dockerfile's CMD, which cannot import
// this file and mirror it (scripts/test/api-node-flags.test.ts keeps them equal).
//
// V8 lets the young generation grow to 64 MiB per semi-space under load: 128 MiB of RSS, most of it garbage, and
// the API's RSS under the submit load above the 300 MB that issue 10 allows. 16 MiB keeps the young generation at
// 32 MiB at no cost per request that the bench can measure; 8 MiB costs CPU in more frequent scavenges.
//
// The smaller young generation promotes more: a request lives across two scavenges, so ~25 KB of each submit ends
// up in old space, ~5 MB/s under the bench's load. With V8's own growing factor (up to 4× the live heap on a big
// machine) the next full GC waits until old space is ~4× the ~30 MB live at start, so RSS climbed to 270–340 MB
// before anything was collected; the committed pages then stay. 50% (factor 1.5) starts the full GC at ~1.5× the
// live heap: old space peaks near 65 MiB instead of 110–180, for a full GC every few seconds under load (~20–45 ms
// each, mostly concurrent marking), and scales with the live heap, unlike a fixed --max-old-space-size, which
// would turn a bigger live set into an out-of-memory crash (bench/README.md, API memory).
export const API_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=16', '--heap-growing-percent=50'];
