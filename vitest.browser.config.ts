// Browser tests (test-browser/*.browser.ts): real Chromium at /usr/bin/chromium driven by
// playwright-core. Run with `npm run test:browser` (builds the library and the web app first).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test-browser/**/*.browser.ts'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
