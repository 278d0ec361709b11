import { defineConfig } from 'vitest/config';

/** Browser end-to-end tests (Playwright + Chromium) on the real stack; run by `npm run test:e2e` after the editor build. */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
