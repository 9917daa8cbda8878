import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafkaClient } from "../../src/kafka/client.js";
import { PartitionReader } from "../../src/kafka/partition-reader.js";
import { createTopic, produce, silentLogger, startTestCluster } from "../integration/support/kafka.js";
import type { TestCluster } from "../integration/support/kafka.js";

const options = { maxWaitMs: 50, maxBytes: 1 << 20, maxBytesPerPartition: 1 << 20 };

describe("PartitionReader", () => {
  let cluster: TestCluster;
  let reader: PartitionReader;

  beforeAll(async () => {
    cluster = await startTestCluster();
    await createTopic(cluster.kafka, "changelog", 3);
    await produce(
      cluster.kafka,
      "changelog",
      Array.from({ length: 30 }, (_, i) => ({
        partition: i % 3,
        key: `k${i}`,
        value: i === 7 ? null : `v${i}`,
        headers: { h: `x${i}` },
      })),
    );
    const kafka = createKafkaClient({
      clientId: "reader-test",
      brokers: [cluster.bootstrap],
      logger: silentLogger,
    });
    reader = await PartitionReader.connect(kafka, "reader-test");
  });

  afterAll(async () => {
    await reader.close();
    await cluster.close();
  });

  it("reports the log start and end of given partitions", async () => {
    const tps = [0, 1, 2].map((partition) => ({ topic: "changelog", partition }));
    expect([...(await reader.endOffsets(tps))]).toEqual([
      ["changelog|0", 10],
      ["changelog|1", 10],
      ["changelog|2", 10],
    ]);
    expect([...(await reader.beginningOffsets(tps)).values()]).toEqual([0, 0, 0]);
  });

  it("reads given partitions from given offsets, keys, values, tombstones and headers intact", async () => {
    const reads = await reader.read(
      [
        { topic: "changelog", partition: 1, offset: 2 },
        { topic: "changelog", partition: 0, offset: 8 },
      ],
      options,
    );
    expect(reads.map((r) => [r.partition, r.nextOffset])).toEqual([
      [1, 10],
      [0, 10],
    ]);
    const p1 = reads[0]!.records;
    expect(p1.map((r) => r.offset)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    // offset 2 of partition 1 is message 7, the tombstone
    expect(p1[0]!.key?.toString()).toBe("k7");
    expect(p1[0]!.value).toBeNull();
    expect(p1[1]!.value?.toString()).toBe("v10");
    expect(p1[1]!.headers).toEqual([{ key: "h", value: Buffer.from("x10") }]);
    expect(reads[1]!.records.map((r) => r.key?.toString())).toEqual(["k24", "k27"]);
  });

  it("comes back empty at the end, without joining any consumer group", async () => {
    const [read] = await reader.read([{ topic: "changelog", partition: 2, offset: 10 }], options);
    expect(read!.records).toEqual([]);
    expect(read!.nextOffset).toBe(10);
    const admin = cluster.kafka.admin();
    await admin.connect();
    const { groups } = await admin.listGroups();
    await admin.disconnect();
    expect(groups).toEqual([]);
  });

  it("sees the log start move after records are deleted", async () => {
    const admin = cluster.kafka.admin();
    await admin.connect();
    // kafkajs needs the topic in its metadata before it can route DeleteRecords.
    await admin.fetchTopicMetadata({ topics: ["changelog"] });
    await admin.deleteTopicRecords({ topic: "changelog", partitions: [{ partition: 2, offset: "4" }] });
    await admin.disconnect();
    expect((await reader.beginningOffsets([{ topic: "changelog", partition: 2 }])).get("changelog|2")).toBe(4);
  });
});
