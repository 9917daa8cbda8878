// The Apache Kafka passes (`npm run test:kafka`) leave out the suites that never use the
// Kafka under test (test/support/kafka-under-test/embedded-only.ts): on Apache Kafka they
// would run as under `npm test`. This keeps that list true: a listed suite, and every
// test module it imports, never asks for the Kafka under test, so no suite that does is
// ever kept off Apache Kafka.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { EMBEDDED_ONLY_SUITES } from "../support/kafka-under-test/embedded-only.js";

const ROOT = resolve(import.meta.dirname, "../..");

/** How a suite gets the Kafka under test (test/support/kafka-under-test and its wrappers). */
const ASKS_FOR_KAFKA =
  /\b(startKafkaUnderTest|startRestartableKafka|startTestCluster|startApiTestCluster|startDemoUnderTest|testKafkaSelection|testKafkaContext|startApacheKafka)\b|EDDY_TEST_KAFKA|support\/apache-kafka\//;

/**
 * Modules that define those entry points next to helpers any suite may use (createTopic,
 * eventually...): importing them asks for nothing; calling an entry point does, and the
 * importing module's own text shows it.
 */
const DEFINES_ENTRY_POINTS = new Set([
  "test/integration/support/kafka.ts",
  "test/api/support/cluster.ts",
  "test/examples/support/demo-harness.ts",
]);

const IMPORT = /(?:import|export)\s[^'"]*?from\s+["'](\.[^"']+)["']|import\(\s*["'](\.[^"']+)["']\s*\)/g;

/** The suite and every module of test/ it imports, directly or not (src/ aside). */
function testModulesOf(suite: string): string[] {
  const seen = new Set<string>();
  const pending = [suite];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(join(ROOT, file), "utf8");
    for (const match of text.matchAll(IMPORT)) {
      const target = relative(ROOT, resolve(ROOT, dirname(file), match[1] ?? match[2]!)).replace(/\.js$/, ".ts");
      if (!target.startsWith("test/") || target.startsWith("test/support/") || DEFINES_ENTRY_POINTS.has(target))
        continue;
      if (existsSync(join(ROOT, target))) pending.push(target);
    }
  }
  return [...seen];
}

describe("the suites left out of the Apache Kafka passes", () => {
  it("are left out by vitest.kafka.config.ts", async () => {
    // The config picks Apache Kafka 4.x for the process when nothing is selected: not for this one.
    const selected = process.env.EDDY_TEST_KAFKA;
    const { default: kafkaConfig } = await import("../../vitest.kafka.config.js");
    if (selected === undefined) delete process.env.EDDY_TEST_KAFKA;
    else process.env.EDDY_TEST_KAFKA = selected;
    const exclude = kafkaConfig.test?.exclude ?? [];
    for (const suite of EMBEDDED_ONLY_SUITES) expect(exclude).toContain(suite);
  });

  it.each(EMBEDDED_ONLY_SUITES)("%s exists and never asks for the Kafka under test", (suite) => {
    expect(existsSync(join(ROOT, suite)), `${suite} is gone: take it off the list`).toBe(true);
    for (const module of testModulesOf(suite)) {
      const asks = ASKS_FOR_KAFKA.exec(readFileSync(join(ROOT, module), "utf8"));
      expect(asks?.[0], `${module} asks for the Kafka under test: take ${suite} off the list`).toBeUndefined();
    }
  });

  it.each(["test/integration/dead-letter.test.ts", "test/api/read-your-writes.test.ts"])(
    "the check finds that %s asks for the Kafka under test",
    (suite) => {
      const asks = testModulesOf(suite).some((module) => ASKS_FOR_KAFKA.test(readFileSync(join(ROOT, module), "utf8")));
      expect(asks).toBe(true);
    },
  );
});
