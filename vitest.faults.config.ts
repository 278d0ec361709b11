import { defineConfig } from 'vitest/config';

// `npm run test:faults`: what must survive crashes, outages and hostile input (issue 9). Each file starts and kills
// processes of its own, so files run one or two at a time with generous, but bounded, timeouts.
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    exclude: ['node_modules/**'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
