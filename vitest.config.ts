import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 600_000,
    // Lab tests share one host (bridge, /srv/osm-lxc): never run test files in parallel there.
    fileParallelism: false,
  },
});
