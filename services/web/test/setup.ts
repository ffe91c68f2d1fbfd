import { cleanup } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

// jsdom has no EventSource: the live stream stays off in component tests unless a test installs a fake.
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});
