// Differential conformance: the same client scenarios against the embedded broker and against
// Apache Kafka (the one `npm run test:kafka` runs on), and what each client observed must be
// the same. The clients: kafkajs 2.2.4, kcat (librdkafka), confluent-kafka 2.x and kafka-python
// from PyPI (a virtualenv the suite makes in .cache/conformance), and franz-go (a strict Go
// client, built by the suite). Apache Kafka is the judge: every difference was fixed in
// src/broker, or is listed with its reason in src/broker/README.md and support/version-differences.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker } from "../../src/broker/index.js";
import type { RunningBroker } from "../../src/broker/index.js";
import { silentLogger } from "../integration/support/kafka.js";
import { startApacheKafka } from "../support/apache-kafka/index.js";
import type { ApacheKafka } from "../support/apache-kafka/index.js";
import { DEFAULT_KAFKA_LINE, KAFKA_RELEASES } from "../support/apache-kafka/versions.js";
import { testKafkaSelection } from "../support/kafka-under-test/kafka-under-test.js";
import { kafkajsScenario } from "./clients/kafkajs-scenario.js";
import { kcatScenario } from "./clients/kcat-scenario.js";
import { PYTHON_CLIENTS, franzClient, observations, pythonClients, run } from "./support/clients.js";
import { ADDED_IN_KAFKA_4, REMOVED_IN_KAFKA_4, comparedOn } from "./support/version-differences.js";

type Observations = Record<string, unknown>;
type Scenario = (bootstrap: string, prefix: string) => Promise<Observations>;

const selection = testKafkaSelection();
const line = selection.kind === "apache" ? selection.line : DEFAULT_KAFKA_LINE;
const compared = comparedOn(line);
const apacheName = `Apache Kafka ${KAFKA_RELEASES[line].version}`;
let embedded: RunningBroker;
let apache: ApacheKafka;
let runs = 0;

// The scenarios write records with fixed timestamps of long ago, which time-based retention
// (7 days) would delete on its next check: on both brokers it is put off for the run (Kafka's
// first check comes log.initial.task.delay.ms after it starts), so that no check lands in the
// middle of a scenario. Neither setting is a topic config's synonym, so no describe shows them.
const RETENTION_OFF_MS = 86_400_000;

beforeAll(async () => {
  [embedded, apache] = await Promise.all([
    startBroker({ port: 0, logger: silentLogger, logRetentionCheckIntervalMs: RETENTION_OFF_MS }),
    startApacheKafka({
      line,
      config: { "log.retention.check.interval.ms": RETENTION_OFF_MS, "log.initial.task.delay.ms": RETENTION_OFF_MS },
    }),
  ]);
  // Build and install the clients once, before the scenarios' own timeouts start.
  await Promise.all([franzClient(), pythonClients()]);
}, 900_000);

afterAll(async () => {
  await Promise.all([embedded?.close(), apache?.stop()]);
});

/** Runs a scenario on both brokers at once, under the same topic and group names. */
async function onBoth(scenario: Scenario): Promise<{ embedded: Observations; apache: Observations }> {
  runs += 1;
  const prefix = `conf${runs}`;
  const [onEmbedded, onApache] = await Promise.all([
    scenario(embedded.bootstrap, prefix).catch((error: unknown) => {
      throw new Error(`on the embedded broker: ${String(error)}`);
    }),
    scenario(apache.bootstrap, prefix).catch((error: unknown) => {
      throw new Error(`on ${apacheName} (its log: ${apache.logFiles.join(", ")}): ${String(error)}`);
    }),
  ]);
  return { embedded: onEmbedded, apache: onApache };
}

function expectSame(seen: { embedded: Observations; apache: Observations }): void {
  expect(
    seen.embedded,
    `what the client saw on the embedded broker and on ${apacheName} (${apache.logFiles.join(", ")})`,
  ).toEqual(seen.apache);
}

const python =
  (script: string): Scenario =>
  async (bootstrap, prefix) =>
    observations(await run(await pythonClients(), [`${PYTHON_CLIENTS}/${script}`, bootstrap, prefix]));

const franz =
  (name: string): Scenario =>
  async (bootstrap, prefix) =>
    observations(await run(await franzClient(), [name, bootstrap, prefix]));

/** A topic's described configs without those Kafka 4 describes differently from 3.9. */
function comparable(configs: unknown): unknown {
  if (Array.isArray(configs)) return configs.filter((name) => typeof name !== "string" || compared(name));
  if (configs === null || typeof configs !== "object") return configs;
  return Object.fromEntries(Object.entries(configs).filter(([name]) => compared(name)));
}

// A scenario waits up to two minutes for what a busy machine makes slow (a group's first join).
describe(
  `the embedded broker and ${line === "4" ? "Apache Kafka 4" : "Apache Kafka 3.9"}, as clients see them`,
  { timeout: 360_000 },
  () => {
    it("kafkajs: admin errors, offsets by timestamp, DeleteRecords, transactions under read_committed, a group's life", async () => {
      expectSame(await onBoth(kafkajsScenario));
    });

    it("kcat (librdkafka): auto-creation, produce and consume, offsets by time and from the end, errors", async () => {
      expectSame(await onBoth(kcatScenario));
    });

    it("confluent-kafka 2.x: CreateTopics errors, ListOffsets (timestamps, max timestamp, LSO), aborted transactions, DeleteRecords, group states", async () => {
      const seen = await onBoth(python("confluent_scenario.py"));
      for (const side of [seen.embedded, seen.apache]) {
        const described = side["describeConfigs.nonDefault"] as [string, string, number][];
        side["describeConfigs.nonDefault"] = described.filter(([name]) => compared(name));
      }
      expectSame(seen);
    });

    it("kafka-python: CreateTopics errors, offsets for times, a group's offsets, states and listing, DeleteRecords", async () => {
      expectSame(await onBoth(python("kafka_python_scenario.py")));
    });

    describe("franz-go, every request at a pinned version", () => {
      for (const scenario of ["errors", "transactions", "idempotence", "timestamps", "delete-records", "groups"])
        it(scenario, async () => {
          expectSame(await onBoth(franz(scenario)));
        });

      // Kafka 4 finalizes transaction.version 2 (KIP-890 part 2); 3.9 speaks none of its versions.
      if (line === "4")
        it("transactions-v2 (Produce v12, TxnOffsetCommit v5, EndTxn v5: bumped epochs, a retried and an empty end, a zombie)", async () => {
          expectSame(await onBoth(franz("transactions-v2")));
        });

      it("describes (topic configs: Kafka 4's differences from 3.9 aside, checked to be exactly those)", async () => {
        const seen = await onBoth(franz("describes"));
        const configKeys = Object.keys(seen.apache).filter((key) => key.startsWith("describeConfigs."));
        if (line === "4") {
          const names = seen.apache["describeConfigs.allNames"] as string[];
          for (const added of ADDED_IN_KAFKA_4) expect(names).toContain(added);
          for (const removed of REMOVED_IN_KAFKA_4) expect(names).not.toContain(removed);
          const plain = (
            seen.apache["describeConfigs.plain"] as { configs: Record<string, { value: string; source: string }> }
          ).configs;
          expect(plain["message.timestamp.after.max.ms"]?.value).toBe("3600000");
          expect(plain["min.insync.replicas"]?.source).toBe("DYNAMIC_DEFAULT_BROKER_CONFIG");
        }
        for (const side of [seen.embedded, seen.apache])
          for (const key of configKeys) {
            const value = side[key] as { configs?: unknown } | unknown[];
            side[key] = Array.isArray(value)
              ? comparable(value)
              : { ...(value as object), configs: comparable((value as { configs?: unknown }).configs) };
          }
        expectSame(seen);
      });
    });
  },
);
