// One vitest run covers every workspace package, so coverage is measured across services and packages.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'services/*', 'migrations', 'e2e', 'scripts'],
    coverage: {
      provider: 'v8',
      include: ['services/*/src/**', 'packages/*/src/**'],
      exclude: ['packages/testkit/**', '**/*.d.ts'],
      reporter: ['text-summary', 'json-summary'],
      thresholds: { lines: 80 },
    },
  },
});
