// A windowed count on Kafka: the same input gives, per windowed key, the records the
// TopologyTestDriver gives (late records dropped alike); the window store's changelog
// uses Kafka Streams' windowed key layout (key, 8-byte window start, 4-byte sequence
// number; the plain count as value, the window's timestamp as the record's); the output's
// windowed keys are partitioned by their inner key (Kafka Streams' WindowedStreamPartitioner);
// and an instance without local state restores the windows from it.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaStreams, Serdes, StreamsBuilder, TimeWindows, windowedToString } from "../../src/index.js";
import { TopologyTestDriver } from "../../src/testing/index.js";
import { partitionForKey } from "../../src/kafka/partitioner.js";
import {
  createTopic,
  eventually,
  failedInstance,
  readCommitted,
  silentLogger,
  startTestCluster,
  testStreamsConfig,
} from "./support/kafka.js";
import type { TestCluster } from "./support/kafka.js";

const HOUR = 3_600_000;
// Recent times: windowed changelogs are compact,delete with retention.ms = retention + 1 day,
// as Kafka Streams makes them, so Apache Kafka deletes records stamped long ago at once.
const T0 = Date.now() - (Date.now() % HOUR) - 6 * HOUR;

function windowedCountTopology() {
  const builder = new StreamsBuilder();
  builder
    .stream("win-events", { key: Serdes.string(), value: Serdes.string() })
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeAndGrace(HOUR, 5 * 60_000))
    // Uncached, so that the broker forwards every update as the driver does (the record cache would fold them per commit).
    .count({ store: "win-counts", retention: 24 * HOUR, caching: false })
    .toStream()
    .to("win-counts-out", { value: Serdes.long() });
  return builder.build();
}

/** Per windowed key ("[key@start/end]"), its counts in order. */
function byWindow(records: Array<{ key: string; count: number }>): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const { key, count } of records) (out[key] ??= []).push(count);
  return out;
}

describe("windowed aggregation on Kafka", () => {
  let cluster: TestCluster;
  let stateDir: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    stateDir = await mkdtemp(join(tmpdir(), "eddy-windowed-"));
    await createTopic(cluster.kafka, "win-events", 1);
    // Several partitions: every window of a key must land on its inner key's partition.
    await createTopic(cluster.kafka, "win-counts-out", 4);
  });

  afterAll(async () => {
    await cluster.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it("counts per hour as the driver does, logs Kafka Streams' windowed changelog, and restores from it", async () => {
    // Three hours of visits to three pages, then one visit too late for the first hour.
    const events = Array.from({ length: 90 }, (_, i) => ({
      key: `page-${i % 3}`,
      value: `v${i}`,
      timestamp: T0 + Math.floor((i * 3 * HOUR) / 90),
    }));
    events.push({ key: "page-0", value: "late", timestamp: T0 + 10 * 60_000 });

    const driver = new TopologyTestDriver(windowedCountTopology(), { applicationId: "win" });
    const input = driver.createInputTopic("win-events", Serdes.string(), Serdes.string());
    for (const e of events) await input.pipeInput(e.key, e.value, { timestamp: e.timestamp });
    const expected = driver
      .createOutputTopic("win-counts-out", Serdes.timeWindowed(Serdes.string(), HOUR), Serdes.long())
      .readKeyValuesToList()
      .map(({ key, value }) => ({ key: windowedToString(key!), count: Number(value) }));
    expect(driver.droppedRecords).toBe(1);
    await driver.close();

    const producer = cluster.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: "win-events",
      acks: -1,
      messages: events.map((e) => ({ key: e.key, value: e.value, timestamp: String(e.timestamp), partition: 0 })),
    });
    await producer.disconnect();

    const config = testStreamsConfig(cluster.broker.bootstrap, stateDir, { applicationId: "win" });
    const first = new KafkaStreams(windowedCountTopology(), config, { logger: silentLogger, api: false });
    await first.start();
    const serde = Serdes.timeWindowed(Serdes.string(), HOUR);
    try {
      const actual = await eventually(
        async () => {
          const records = await readCommitted(cluster.broker.bootstrap, "win-counts-out");
          return records.length >= expected.length ? records : undefined;
        },
        20_000,
        "the windowed counts",
        failedInstance(first),
      );
      // Kafka Streams' WindowedStreamPartitioner: a windowed key is partitioned by its inner key.
      for (const r of actual) {
        expect(r.partition).toBe(partitionForKey(Buffer.from(serde.deserialize(r.key as Buffer).key), 4));
      }
      expect(new Set(actual.map((r) => r.partition)).size).toBeGreaterThan(1);
      expect(
        byWindow(
          actual.map((r) => ({
            key: windowedToString(serde.deserialize(r.key as Buffer)),
            count: Number(r.value?.readBigInt64BE(0)),
          })),
        ),
      ).toEqual(byWindow(expected));
      // The overlay folds a key's writes per commit: the changelog gets each window's latest.
      const changelog = await eventually(
        async () => {
          const records = await readCommitted(cluster.broker.bootstrap, "win-win-counts-changelog");
          return records[records.length - 1]?.value?.readBigInt64BE(0) === 10n ? records : undefined;
        },
        20_000,
        "the changelog",
        failedInstance(first),
      );
      const last = changelog[changelog.length - 1]!;
      // Kafka Streams' WindowKeySchema: key bytes, window start, sequence number 0.
      const key = last.key as Buffer;
      expect(key.subarray(0, key.length - 12).toString()).toBe("page-2");
      expect(Number(key.readBigInt64BE(key.length - 12))).toBe(T0 + 2 * HOUR);
      expect(key.readUInt32BE(key.length - 4)).toBe(0);
      expect(last.value?.readBigInt64BE(0)).toBe(10n);
      expect(last.timestamp).toBe(events[89]!.timestamp);
      const windows = first.windowStore<string, number>("win-counts", "0_0");
      const hours: number[] = [];
      for await (const { key: start, value } of windows.fetch("page-1", T0, T0 + 2 * HOUR)) hours.push(start, value);
      expect(hours).toEqual([T0, 10, T0 + HOUR, 10, T0 + 2 * HOUR, 10]);
    } finally {
      await first.close();
    }

    // No local state: the windows come back from the changelog.
    await rm(stateDir, { recursive: true, force: true });
    const second = new KafkaStreams(windowedCountTopology(), config, { logger: silentLogger, api: false });
    await second.start();
    try {
      await eventually(async () => (second.state() === "RUNNING" ? true : undefined), 20_000, "RUNNING");
      const windows = second.windowStore<string, number>("win-counts", "0_0");
      expect(await windows.fetch("page-0", T0)).toBe(10);
      const all: string[] = [];
      for await (const { key, value } of windows.fetchAll(T0, T0 + 3 * HOUR))
        all.push(`${windowedToString(key)}=${value}`);
      expect(all).toHaveLength(9);
    } finally {
      await second.close();
    }
  });
});
