import { defineConfig } from "vitest/config";

// Integration tests start their own embedded broker on a random port, so files may
// run in parallel; the machine has 2 cores, so keep the pool small and timeouts generous.
// EDDY_TEST_KAFKA=apache-3.9|apache-4 runs the broker-backed suites on Apache Kafka instead
// (vitest.kafka.config.ts, `npm run test:kafka`); the global setup does nothing otherwise.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // These need Apache Kafka (Java): `npm run test:kafka` and `npm run test:faults` run them.
    exclude: ["test/conformance/**", "test/faults/**", "test/apache-kafka/**", "**/node_modules/**"],
    globalSetup: ["test/support/kafka-under-test/global-setup.ts"],
    setupFiles: ["test/support/kafka-under-test/setup-file.ts"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ["default"],
  },
});
