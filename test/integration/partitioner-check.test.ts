// Records partitioned other than as Kafka's Java partitioner does, as issue reports found
// with kcat: librdkafka's default partitioner (CRC32) puts keys where murmur2 would not,
// and a join never meets them. Eddy counts such records of joined and command topics
// (eddy_mispartitioned_records_total) and warns once per partition with what to do; a
// producer on murmur2 (kcat -X partitioner=murmur2_random) raises nothing.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaStreams, Serdes, StreamsBuilder } from "../../src/index.js";
import { partitionForKey } from "../../src/kafka/partitioner.js";
import { partitionSensitiveTopics } from "../../src/runtime/partitioner-check.js";
import { writeExposition } from "../../src/api/prometheus.js";
import { streamsMetricFamilies } from "../../src/api/streams-metrics-families.js";
import { bankTopology } from "../topology/apps/bank.js";
import { runKcat } from "../broker/support/third-party.js";
import {
  createTopic,
  eventually,
  failedInstance,
  produce,
  readCommitted,
  startTestCluster,
  testStreamsConfig,
} from "./support/kafka.js";
import type { TestCluster } from "./support/kafka.js";

const PARTITIONS = 3;
const strings = { key: Serdes.string(), value: Serdes.string() };

function enrich() {
  const builder = new StreamsBuilder();
  const customers = builder.table("customers", { ...strings, store: "customers" });
  builder
    .stream("orders", strings)
    .leftJoin(customers, (order, name) => `${order}:${name ?? "?"}`)
    .to("orders-enriched", strings);
  builder.stream("clicks", strings).to("clicks-copy", strings);
  return builder.build();
}

describe("records partitioned other than murmur2", () => {
  let cluster: TestCluster;
  let stateDir: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    stateDir = await mkdtemp(join(tmpdir(), "eddy-partitioner-"));
    for (const topic of ["orders", "customers", "orders-enriched", "clicks", "clicks-copy"])
      await createTopic(cluster.kafka, topic, PARTITIONS);
  });

  afterAll(async () => {
    await cluster?.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it("checks the joined and command topics only", () => {
    expect([...partitionSensitiveTopics(enrich()).keys()].sort()).toEqual(["customers", "orders"]);
    expect([...partitionSensitiveTopics(bankTopology()).entries()]).toEqual([
      ["account-commands", expect.stringMatching(/^commands of /) as string],
    ]);
  });

  it(
    "counts kcat's default-partitioned records of a joined topic and warns once per partition",
    { timeout: 120_000 },
    async () => {
      const warnings: Array<{ msg: string; topic: string; partition: number }> = [];
      const logger = pino({ level: "warn" }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
      const streams = new KafkaStreams(
        enrich(),
        testStreamsConfig(cluster.bootstrap, join(stateDir, "a"), { applicationId: "partitioner-check" }),
        { logger },
      );
      await streams.start();
      try {
        const keys = Array.from({ length: 30 }, (_, i) => `customer-${i}`);
        await produce(
          cluster.kafka,
          "customers",
          keys.map((key) => ({
            key,
            value: key.toUpperCase(),
            partition: partitionForKey(Buffer.from(key), PARTITIONS),
          })),
        );
        // kcat as a user runs it: librdkafka's default partitioner.
        const lines = keys.map((key, i) => `${key}:order-${i}`).join("\n");
        await runKcat(["-P", "-b", cluster.bootstrap, "-t", "orders", "-K:"], `${lines}\n`);
        // And clicks, not joined: never checked.
        await runKcat(["-P", "-b", cluster.bootstrap, "-t", "clicks", "-K:"], `${lines}\n`);

        const arrived = await readCommitted(cluster.bootstrap, "orders");
        const misplaced = arrived.filter((r) => partitionForKey(r.key as Buffer, PARTITIONS) !== r.partition);
        expect(misplaced.length).toBeGreaterThan(0);
        await eventually(
          () => (streams.metrics().recordsProcessed >= 90 ? true : undefined),
          30_000,
          "every record processed",
          failedInstance(streams),
        );
        expect(streams.metrics().mispartitionedRecordsByTopic).toEqual({ orders: misplaced.length });
        const warned = warnings.filter((w) => w.msg.includes("murmur2_random"));
        expect(warned.map((w) => `${w.topic}-${w.partition}`).sort()).toEqual(
          [...new Set(misplaced.map((r) => `orders-${r.partition}`))].sort(),
        );
        expect(warned[0]?.msg).toContain("-X partitioner=murmur2_random");

        // The same producer on murmur2: nothing more is counted or warned.
        const more = keys.map((key, i) => `${key}:again-${i}`).join("\n");
        await runKcat(
          ["-P", "-b", cluster.bootstrap, "-t", "orders", "-K:", "-X", "partitioner=murmur2_random"],
          `${more}\n`,
        );
        await eventually(
          () => (streams.metrics().recordsProcessed >= 120 ? true : undefined),
          30_000,
          "the murmur2 records processed",
          failedInstance(streams),
        );
        expect(streams.metrics().mispartitionedRecordsByTopic).toEqual({ orders: misplaced.length });
        expect(warnings.filter((w) => w.msg.includes("murmur2_random"))).toHaveLength(warned.length);
        const text = writeExposition(streamsMetricFamilies(streams.metrics(), [], streams.state(), true, []));
        expect(text).toContain(`eddy_mispartitioned_records_total{topic="orders"} ${misplaced.length}`);
      } finally {
        await streams.close();
      }
    },
  );
});
