import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Browser and runtime tests start their own processes; 2 cores are enough for one file at a time.
    fileParallelism: false,
  },
});
