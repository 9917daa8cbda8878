import { defineConfig } from "vitest/config";
import { TallyReporter } from "./test/support/ci/tally-reporter.js";

// Integration tests start their own embedded broker on a random port, so files may
// run in parallel; the machine has 2 cores, so keep the pool small and timeouts generous.
// EDDY_TEST_KAFKA=apache-3.9|apache-4 runs the broker-backed suites on Apache Kafka instead
// (vitest.kafka.config.ts, `npm run test:kafka`); the global setup does nothing otherwise.
export default defineConfig({
  plugins: [
    {
      // The module cache (below) is for the test files' modules only: vitest 4.1 cannot map the
      // stack of an error thrown by a module it ran from the cache in its own process (the global
      // setup's, such as "Java was not found"), and loses the error's message instead.
      name: "eddy:module-cache-for-test-files",
      configureVitest({ experimental_defineCacheKeyGenerator }) {
        experimental_defineCacheKeyGenerator(({ environment }) =>
          environment.name === "__vitest__" ? false : undefined,
        );
      },
    },
  ],
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
    // Transformed modules are kept on disk (node_modules/.experimental-vitest-cache, keyed by
    // each file's content and the config), so a run after another, as in .ci/run's passes after
    // the first, imports every module without transforming it again: most of a file's start-up
    // on a busy 2-core machine (a pass of three files took 50-60 s cold, 19-30 s warm).
    experimental: { fsModuleCache: true },
    // .ci/run sets EDDY_TEST_TALLY to add up its vitest passes into one closing line (.ci/tally).
    reporters: process.env.EDDY_TEST_TALLY ? ["default", new TallyReporter(process.env.EDDY_TEST_TALLY)] : ["default"],
    // `npm test -- --coverage`, or `npm test` with EDDY_COVERAGE=1 (as .ci/run does), measures
    // src/ and fails below these floors:
    // about a point under what the suite measured when they were set (statements 90.4,
    // branches 81.6, functions 91.9, lines 92.8), since paths that depend on timing vary
    // from run to run. Raise them as coverage grows; never lower them.
    coverage: {
      enabled: process.env.EDDY_COVERAGE === "1",
      provider: "v8",
      include: ["src/**/*.ts"],
      reporter: ["text-summary"],
      reportsDirectory: "coverage",
      // The figures are printed even when a test failed, so a red run still says where coverage stands.
      reportOnFailure: true,
      thresholds: { statements: 89, branches: 80, functions: 90, lines: 91 },
    },
  },
});
