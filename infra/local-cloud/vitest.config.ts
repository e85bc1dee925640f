import { defineConfig } from 'vitest/config';

/** The emulators' own tests: each starts what it needs, so files run in parallel. */
export default defineConfig({
  test: {
    name: 'local-cloud',
    root: import.meta.dirname,
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The AWS SDK's reminder that Node 20 support ends is not news here.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
