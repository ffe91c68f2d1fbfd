// The fault suite (test/faults): the stack as real processes on servers of its own, each test killing or
// stopping one part. It runs apart from the main suite (`.ci/run` runs it second), one file at a time, so
// the 2-core machine is not shared with the parallel main run and each fault's timings mean something.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: {
    name: 'faults',
    include: ['test/faults/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 120_000,
  },
});
