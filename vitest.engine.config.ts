import { defineConfig } from 'vitest/config';

// The engine suite (`npm run test:engine`): tests that build, load and run images in a Docker
// engine (and a Debian minbase made with mmdebstrap). Slow: minutes, more on a first run.
export default defineConfig({
  test: {
    include: ['test/engine/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 900_000,
    pool: 'forks',
    setupFiles: ['test/support/remove-temporaries.ts'],
  },
});
