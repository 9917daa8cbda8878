import { defineConfig } from "vitest/config";

// Integration tests start their own embedded broker on a random port, so files may
// run in parallel; the machine has 2 cores, so keep the pool small and timeouts generous.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ["default"],
  },
});
