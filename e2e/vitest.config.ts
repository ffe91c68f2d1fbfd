import { configDefaults, defineProject } from 'vitest/config';

export default defineProject({
  // test/faults runs on its own (vitest.faults.config.ts): it stops and kills servers of its own for minutes.
  test: { name: 'e2e', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/faults/**'], testTimeout: 30_000, hookTimeout: 30_000 },
});
