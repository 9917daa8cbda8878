// The record cache on Kafka (cacheMaxBytes, Kafka Streams' statestore.cache.max.bytes):
// a count's updates of a key are folded until the task commits, so the output topic and
// the changelog get each key's latest count once per commit, not every update; the last
// count of each key is still exact.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaStreams, Serdes, StreamsBuilder } from "../../src/index.js";
import {
  createTopic,
  eventually,
  failedInstance,
  produce,
  readCommitted,
  silentLogger,
  startTestCluster,
  testStreamsConfig,
} from "./support/kafka.js";
import type { TestCluster } from "./support/kafka.js";

function countTopology() {
  const builder = new StreamsBuilder();
  builder
    .stream("cache-events", { key: Serdes.string(), value: Serdes.string() })
    .groupByKey()
    .count({ store: "counts" })
    .toStream()
    .to("cache-counts", { key: Serdes.string(), value: Serdes.long() });
  return builder.build();
}

describe("the record cache on Kafka", () => {
  let cluster: TestCluster;
  let stateDir: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    stateDir = await mkdtemp(join(tmpdir(), "eddy-record-cache-"));
    await createTopic(cluster.kafka, "cache-events", 1);
    await createTopic(cluster.kafka, "cache-counts", 1);
    await createTopic(cluster.kafka, "cache-totals-in", 1);
  });

  afterAll(async () => {
    await cluster.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it("folds a key's updates until the commit: fewer outputs and changelog records, the same final counts", async () => {
    const keys = ["a", "b", "c"];
    const events = Array.from({ length: 300 }, (_, i) => ({ key: keys[i % 3]!, value: `v${i}`, partition: 0 }));
    await produce(cluster.kafka, "cache-events", events);
    const config = testStreamsConfig(cluster.broker.bootstrap, stateDir, {
      applicationId: "cache",
      commitIntervalMs: 1_000,
    });
    const streams = new KafkaStreams(countTopology(), config, { logger: silentLogger, api: false });
    await streams.start();
    try {
      const last = await eventually(
        async () => {
          const records = await readCommitted(cluster.broker.bootstrap, "cache-counts");
          const latest = new Map(records.map((r) => [r.key?.toString(), r.value?.readBigInt64BE(0)]));
          return keys.every((key) => latest.get(key) === 100n) ? records : undefined;
        },
        30_000,
        "the final counts",
        failedInstance(streams),
      );
      expect(last.length).toBeLessThan(events.length);
      // Counts only grow, each key's updates arrive in order, and none repeats.
      for (const key of keys) {
        const counts = last.filter((r) => r.key?.toString() === key).map((r) => Number(r.value?.readBigInt64BE(0)));
        expect(counts).toEqual([...counts].sort((x, y) => x - y));
        expect(new Set(counts).size).toBe(counts.length);
      }
      const changelog = await readCommitted(cluster.broker.bootstrap, "cache-counts-changelog");
      expect(changelog.length).toBeGreaterThanOrEqual(keys.length);
      expect(changelog.length).toBeLessThan(events.length);
      // The store's committed state is written once Kafka has the transaction: it may trail the outputs briefly.
      await eventually(
        async () => ((await streams.store<string, number>("counts", "0_0").get("b")) === 100 ? true : undefined),
        10_000,
        "the store's committed count",
      );
    } finally {
      await streams.close();
    }
  });

  it("hands an aggregator the aggregate as its serde reads it back, as Kafka Streams does, not the one it wrote", async () => {
    // The cache may keep the object a write handed over (a count's number), but not a bigint:
    // Serdes.long() reads 1n back as 1, and that is what the next record's aggregator gets.
    await produce(
      cluster.kafka,
      "cache-totals-in",
      ["x", "y", "z"].map((value) => ({ key: "a", value, partition: 0 })),
    );
    const seen: string[] = [];
    const builder = new StreamsBuilder();
    builder
      .stream("cache-totals-in", { key: Serdes.string(), value: Serdes.string() })
      .groupByKey()
      .aggregate(
        (): number | bigint => 0n,
        (_key, _value, total) => {
          seen.push(typeof total);
          return BigInt(total) + 1n;
        },
        { store: "totals", value: Serdes.long() },
      );
    const config = testStreamsConfig(cluster.broker.bootstrap, stateDir, { applicationId: "cache-totals" });
    const streams = new KafkaStreams(builder.build(), config, { logger: silentLogger, api: false });
    await streams.start();
    try {
      await eventually(
        async () => (seen.length === 3 ? true : undefined),
        30_000,
        "three records",
        failedInstance(streams),
      );
      expect(seen).toEqual(["bigint", "number", "number"]);
    } finally {
      await streams.close();
    }
  });
});
