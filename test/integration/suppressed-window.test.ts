// suppress(untilWindowCloses) on Kafka: the buffer's changelog carries Kafka Streams' layout
// (header v=3, record context, prior/old/new values, buffer time), and an instance that starts
// from nothing restores the buffered windows from it: the final counts of windows buffered by
// the first instance come out of the second, once stream time closes them, exactly once.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BufferConfig,
  KafkaStreams,
  Serdes,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  windowedToString,
} from "../../src/index.js";
import { decodeBufferEntry } from "../../src/stores/suppression-buffer-format.js";
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

const HOUR = 3_600_000;
// Recent times: windowed changelogs are compact,delete with retention.ms = retention + 1 day,
// as Kafka Streams makes them, so Apache Kafka deletes records stamped long ago at once.
const T0 = Date.now() - (Date.now() % HOUR) - 6 * HOUR;

function finalCountsTopology() {
  const builder = new StreamsBuilder();
  builder
    .stream("sup-events", { key: Serdes.string(), value: Serdes.string() })
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeAndGrace(HOUR, 60_000))
    .count({ store: "sup-counts" })
    .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()).withName("hourly"))
    .toStream()
    .map((key, count) => ({ key: windowedToString(key), value: count }))
    .to("sup-final", { key: Serdes.string(), value: Serdes.long() });
  return builder.build();
}

describe("suppress() on Kafka", () => {
  let cluster: TestCluster;
  let stateDir: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    stateDir = await mkdtemp(join(tmpdir(), "eddy-suppress-"));
    await createTopic(cluster.kafka, "sup-events", 1);
    await createTopic(cluster.kafka, "sup-final", 1);
  });

  afterAll(async () => {
    await cluster.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it("changelogs the buffer as Kafka Streams does and restores it on an instance without local state", async () => {
    const config = testStreamsConfig(cluster.broker.bootstrap, stateDir, { applicationId: "sup" });
    const event = (key: string, offsetMs: number) => ({
      partition: 0,
      key,
      value: "v",
      timestamp: String(T0 + offsetMs),
    });
    const first = new KafkaStreams(finalCountsTopology(), config, { logger: silentLogger, api: false });
    await first.start();
    try {
      const bufferLog = async (liveTime: number) =>
        eventually(
          async () => {
            const records = await readCommitted(cluster.broker.bootstrap, "sup-hourly-store-changelog");
            const live = new Map<string, (typeof records)[number]>();
            for (const r of records) {
              if (r.value === null) live.delete(r.key!.toString("hex"));
              else live.set(r.key!.toString("hex"), r);
            }
            const entries = [...live.values()];
            const settled =
              entries.length === 2 &&
              entries.every((r) => decodeBufferEntry(r.value!, "hourly-store").time === liveTime);
            return settled ? { records, live: entries } : undefined;
          },
          20_000,
          "the buffer's changelog",
          failedInstance(first),
        );
      // Hour 0: three visits of a, one of b, buffered until hour 0 closes.
      await produce(cluster.kafka, "sup-events", [
        event("a", 1_000),
        event("a", 2_000),
        event("b", 3_000),
        event("a", 4_000),
      ]);
      const hour0 = await bufferLog(T0 + HOUR);
      for (const record of hour0.live) {
        expect(record.headers).toEqual([{ key: "v", value: Buffer.from([3]) }]);
        const entry = decodeBufferEntry(record.value!, "hourly-store");
        // The record context is the aggregate's input record's.
        expect(entry.context.topic).toBe("sup-events");
        expect(entry.context.partition).toBe(0);
        expect(entry.context.timestamp).toBeGreaterThanOrEqual(T0 + 1_000);
      }
      expect(await readCommitted(cluster.broker.bootstrap, "sup-final")).toEqual([]);
      // A visit in hour 1, past hour 0's end + 1 min grace, closes hour 0.
      await produce(cluster.kafka, "sup-events", [event("a", HOUR + 61_000)]);
      const finals = await eventually(
        async () => {
          const records = await readCommitted(cluster.broker.bootstrap, "sup-final");
          return records.length >= 2 ? records : undefined;
        },
        20_000,
        "hour 0's final counts",
        failedInstance(first),
      );
      expect(finals.map((r) => [r.key?.toString(), r.value?.readBigInt64BE(0), r.timestamp])).toEqual([
        [`[a@${T0}/${T0 + HOUR}]`, 3n, T0 + 4_000],
        [`[b@${T0}/${T0 + HOUR}]`, 1n, T0 + 3_000],
      ]);
      // Two more in hour 1: buffered with the first, not final yet.
      await produce(cluster.kafka, "sup-events", [event("a", HOUR + 62_000), event("c", HOUR + 63_000)]);
      const hour1 = await bufferLog(T0 + 2 * HOUR);
      // Hour 0's evicted windows end in tombstones, which carry no version header.
      const tombstones = hour1.records.filter((r) => r.value === null);
      expect(tombstones).toHaveLength(2);
      expect(tombstones.every((r) => r.headers.length === 0)).toBe(true);
    } finally {
      await first.close();
    }

    // No local state: the buffer comes back from its changelog, and hour 1 closes on the second instance.
    await rm(stateDir, { recursive: true, force: true });
    const second = new KafkaStreams(finalCountsTopology(), config, { logger: silentLogger, api: false });
    await second.start();
    try {
      await produce(cluster.kafka, "sup-events", [event("z", 2 * HOUR + 61_000)]);
      const finals = await eventually(
        async () => {
          const records = await readCommitted(cluster.broker.bootstrap, "sup-final");
          return records.length >= 4 ? records : undefined;
        },
        30_000,
        "hour 1's final counts",
        failedInstance(second),
      );
      expect(finals.map((r) => [r.key?.toString(), r.value?.readBigInt64BE(0)])).toEqual([
        [`[a@${T0}/${T0 + HOUR}]`, 3n],
        [`[b@${T0}/${T0 + HOUR}]`, 1n],
        [`[a@${T0 + HOUR}/${T0 + 2 * HOUR}]`, 2n],
        [`[c@${T0 + HOUR}/${T0 + 2 * HOUR}]`, 1n],
      ]);
    } finally {
      await second.close();
    }
  });
});
