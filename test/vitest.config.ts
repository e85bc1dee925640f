import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

const root = resolve(import.meta.dirname, '..');

export default defineConfig({
  test: {
    root,
    projects: [
      // The emulators' own tests (@online-hall/local-cloud); they need no app cloud and run beside `unit`.
      'infra/local-cloud/vitest.config.ts',
      {
        test: {
          name: 'unit',
          root,
          include: ['test/unit/**/*.test.ts', 'test/infra/**/*.test.ts'],
          testTimeout: 60_000,
          env: { POWERTOOLS_LOG_LEVEL: 'SILENT', CURSOR_KEY: 'unit-test-cursor-key' },
        },
      },
      {
        // One local cloud for every integration and browser test (test/support/global-setup.ts).
        test: {
          name: 'cloud',
          root,
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Files share one cloud; running them one at a time keeps 2 cores from thrashing.
          fileParallelism: false,
        },
      },
    ],
  },
});
