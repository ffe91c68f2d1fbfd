// The stack runner's tests: `npm start` as a real process tree, on its own ports, database and Redis prefix.
import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'scripts', include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 30_000 },
});
