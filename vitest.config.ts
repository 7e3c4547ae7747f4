import { defineConfig } from 'vitest/config';

// The default suite (`npm test`): everything except test/engine/, which builds and runs images in
// a Docker engine and has its own config (vitest.engine.config.ts, `npm run test:engine`).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/engine/**', '**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 600_000,
    pool: 'forks',
    setupFiles: ['test/support/remove-temporaries.ts'],
  },
});
