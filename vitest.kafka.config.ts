import { defineConfig } from "vitest/config";
import { EMBEDDED_ONLY_SUITES } from "./test/support/kafka-under-test/embedded-only.js";
import base from "./vitest.config.js";

// `npm run test:kafka`: every suite that runs on a broker, on Apache Kafka (4.x unless
// EDDY_TEST_KAFKA=apache-3.9), plus the conformance suite that compares the embedded broker
// with it. The same files and assertions as under `npm test`; only the broker differs. Suites
// of these folders that never use the Kafka under test (no broker, or always their own
// embedded one) would run as under `npm test`, so they are left out (embedded-only.ts).
process.env.EDDY_TEST_KAFKA ||= "apache-4";
if (!process.env.EDDY_TEST_KAFKA.startsWith("apache"))
  throw new Error(
    `npm run test:kafka runs on Apache Kafka: EDDY_TEST_KAFKA=${process.env.EDDY_TEST_KAFKA} is not apache-*`,
  );

export default defineConfig({
  plugins: base.plugins,
  test: {
    ...base.test,
    include: [
      "test/integration/**/*.test.ts",
      "test/e2e/**/*.test.ts",
      "test/examples/**/*.test.ts",
      "test/api/**/*.test.ts",
      "test/kafka/**/*.test.ts",
      "test/runtime/**/*.test.ts",
      "test/cli/api-commands.test.ts",
      "test/conformance/**/*.test.ts",
      "test/apache-kafka/**/*.test.ts",
    ],
    exclude: ["test/faults/**", "**/node_modules/**", ...EMBEDDED_ONLY_SUITES],
    // A JVM broker is slower to answer than the embedded one on a busy machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
