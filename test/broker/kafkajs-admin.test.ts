// The admin API through unmodified kafkajs: topics, partitions, offsets, configs, records.
import { ConfigResourceTypes, type Admin, type ITopicConfig, type Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type RunningBroker } from "../../src/broker/index.js";
import { consume, kafkaClient } from "./support/kafkajs.js";

describe("kafkajs admin against the embedded broker", () => {
  let broker: RunningBroker;
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    broker = await startBroker({ groupMinSessionTimeoutMs: 500, defaultPartitions: 2 });
    kafka = kafkaClient(broker.bootstrap);
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin.disconnect();
    await broker.close();
  });

  /** The Kafka error type kafkajs reports for one refused topic. */
  async function creationError(topic: ITopicConfig): Promise<string> {
    const error = await admin.createTopics({ topics: [topic] }).then(
      () => null,
      (e: unknown) => e as { errors?: { type: string }[] },
    );
    return error?.errors?.[0]?.type ?? "created";
  }

  async function produce(topic: string, count: number, timestamp?: number): Promise<void> {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: Array.from({ length: count }, (_, i) => ({
        key: `k${i}`,
        value: `v${i}`,
        partition: i % 2,
        timestamp: timestamp ? String(timestamp + i) : undefined,
      })),
    });
    await producer.disconnect();
  }

  it("creates topics with partitions and configs, and refuses what Kafka refuses", async () => {
    expect(
      await admin.createTopics({
        topics: [
          { topic: "orders", numPartitions: 3 },
          {
            topic: "accounts-changelog",
            numPartitions: 2,
            configEntries: [{ name: "cleanup.policy", value: "compact" }],
          },
        ],
      }),
    ).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic: "orders", numPartitions: 3 }] })).toBe(false);
    expect(await creationError({ topic: "wide", replicationFactor: 3 })).toBe("INVALID_REPLICATION_FACTOR");
    expect(await creationError({ topic: "bad-config", configEntries: [{ name: "retention.ms", value: "soon" }] })).toBe(
      "INVALID_CONFIG",
    );
    expect(
      await creationError({ topic: "unknown-config", configEntries: [{ name: "retention.days", value: "1" }] }),
    ).toBe("INVALID_CONFIG");
    expect(await creationError({ topic: "bad name!" })).toBe("INVALID_TOPIC_EXCEPTION");
    expect(await creationError({ topic: "no-partitions", numPartitions: 0 })).toBe("INVALID_PARTITIONS");
    expect((await admin.listTopics()).sort()).toEqual(["accounts-changelog", "orders"]);
    const metadata = await admin.fetchTopicMetadata({ topics: ["orders", "accounts-changelog"] });
    expect(metadata.topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual([
      ["accounts-changelog", 2],
      ["orders", 3],
    ]);
    expect(metadata.topics.find((t) => t.name === "orders")!.partitions[0]).toMatchObject({
      leader: broker.nodeId,
      replicas: [broker.nodeId],
      isr: [broker.nodeId],
    });
  });

  it("describes topic and broker configs with their sources, and alters topic configs", async () => {
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: "accounts-changelog" }],
    });
    const entries = described.resources[0]!.configEntries;
    const byName = new Map(entries.map((e) => [e.configName, e]));
    expect(byName.get("cleanup.policy")).toMatchObject({ configValue: "compact", isDefault: false, configSource: 1 });
    expect(byName.get("retention.ms")).toMatchObject({ configValue: "604800000", isDefault: true, configSource: 5 });

    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: "orders",
          configEntries: [{ name: "retention.ms", value: "3600000" }],
        },
      ],
    });
    const altered = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: "orders", configNames: ["retention.ms", "cleanup.policy"] }],
    });
    expect(altered.resources[0]!.configEntries.map((e) => [e.configName, e.configValue])).toEqual([
      ["cleanup.policy", "delete"],
      ["retention.ms", "3600000"],
    ]);

    const brokerConfigs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.BROKER, name: String(broker.nodeId) }],
    });
    const numPartitions = brokerConfigs.resources[0]!.configEntries.find((e) => e.configName === "num.partitions");
    expect(numPartitions).toMatchObject({ configValue: "2", configSource: 4 });
  });

  it("grows topics with createPartitions and never shrinks them", async () => {
    await admin.createPartitions({ topicPartitions: [{ topic: "orders", count: 5 }] });
    const metadata = await admin.fetchTopicMetadata({ topics: ["orders"] });
    expect(metadata.topics[0]!.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2, 3, 4]);
    await expect(admin.createPartitions({ topicPartitions: [{ topic: "orders", count: 2 }] })).rejects.toThrow();
  });

  it("reports offsets: earliest/latest, by timestamp, committed, reset and after deleted records", async () => {
    await admin.createTopics({ topics: [{ topic: "ledger", numPartitions: 2 }] });
    const base = Date.now() - 100_000;
    await produce("ledger", 20, base);
    const offsets = await admin.fetchTopicOffsets("ledger");
    expect(offsets.map((o) => [o.partition, o.low, o.high])).toEqual([
      [0, "0", "10"],
      [1, "0", "10"],
    ]);
    // Records i = 2p + j carry timestamp base + i; the first at or after base + 9 on partition 0 is i = 10 (offset 5).
    const byTime = await admin.fetchTopicOffsetsByTimestamp("ledger", base + 9);
    expect(byTime).toEqual([
      { partition: 0, offset: "5" },
      { partition: 1, offset: "4" },
    ]);
    const future = await admin.fetchTopicOffsetsByTimestamp("ledger", Date.now() + 60_000);
    expect(future.map((o) => o.offset)).toEqual(["10", "10"]);

    await consume(kafka, "ledger", 20, "ledger-readers");
    const committed = await admin.fetchOffsets({ groupId: "ledger-readers", topics: ["ledger"] });
    expect(committed[0]!.partitions.map((p) => [p.partition, p.offset]).sort()).toEqual([
      [0, "10"],
      [1, "10"],
    ]);

    // kafkajs commits the logical offset -2 ("earliest"); Kafka stores it as given. (Its
    // resetOffsets runs a consumer that waits out one default 5 s fetch: the slow step here.)
    await admin.resetOffsets({ groupId: "ledger-readers", topic: "ledger", earliest: true });
    const reset = await admin.fetchOffsets({ groupId: "ledger-readers", topics: ["ledger"] });
    expect(reset[0]!.partitions.map((p) => p.offset)).toEqual(["-2", "-2"]);
    const again = await consume(kafka, "ledger", 20, "ledger-readers");
    expect(again).toHaveLength(20);

    await admin.deleteTopicRecords({
      topic: "ledger",
      partitions: [
        { partition: 0, offset: "4" },
        { partition: 1, offset: "-1" },
      ],
    });
    const afterDelete = await admin.fetchTopicOffsets("ledger");
    expect(afterDelete.map((o) => [o.partition, o.low, o.high])).toEqual([
      [0, "4", "10"],
      [1, "10", "10"],
    ]);
    const fromStart = await consume(kafka, "ledger", 6, "after-delete");
    expect(fromStart.map((r) => [r.partition, r.message.offset])).toEqual(
      [4, 5, 6, 7, 8, 9].map((o) => [0, String(o)]),
    );

    const groups = await admin.listGroups();
    expect(groups.groups.map((g) => g.groupId).sort()).toEqual(["after-delete", "ledger-readers"]);
    await admin.deleteGroups(["after-delete"]);
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).toEqual(["ledger-readers"]);
  });

  it("refuses DeleteRecords on a compacted topic", async () => {
    await expect(
      admin.deleteTopicRecords({ topic: "accounts-changelog", partitions: [{ partition: 0, offset: "-1" }] }),
    ).rejects.toThrow();
  });

  it("deletes topics: they vanish from metadata and their committed offsets go with them", async () => {
    await produce("doomed", 4);
    await consume(kafka, "doomed", 4, "doomed-readers");
    await admin.deleteTopics({ topics: ["doomed"] });
    expect(await admin.listTopics()).not.toContain("doomed");
    const offsets = await admin.fetchOffsets({ groupId: "doomed-readers" });
    expect(offsets).toEqual([]);
  });
});
