import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 600_000,
    // Unit test files run in parallel; scripts/test.mjs runs integration and lab tests with
    // --no-file-parallelism, because they share one host (sshd users, the bridge, /srv/osm-lxc).
  },
});
