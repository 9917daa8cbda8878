import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

// `npm run test:faults`: the three-broker Apache Kafka cluster under faults (test/faults), on
// Kafka 4.x unless EDDY_TEST_KAFKA=apache-3.9. Each test starts its own cluster, so no broker
// pool (the global setup) runs; the files run one at a time, each with the whole machine.
process.env.EDDY_TEST_KAFKA ||= "apache-4";

export default defineConfig({
  plugins: base.plugins,
  test: {
    ...base.test,
    include: ["test/faults/**/*.test.ts"],
    exclude: ["**/node_modules/**"],
    globalSetup: [],
    maxWorkers: 1,
    testTimeout: 900_000,
    hookTimeout: 300_000,
  },
});
