import { describe, expect, it } from "vitest";
import type { KafkaAdmin } from "../../src/kafka/admin-client.js";
import { partitionForKey } from "../../src/kafka/partitioner.js";
import { KafkaRecordCollector } from "../../src/runtime/kafka-record-collector.js";
import { TopicPartitions, UnknownOutputTopicError } from "../../src/runtime/topic-partitions.js";

/** Partition counts (and topic configs) as a cluster would report them. */
function partitions(
  known: Record<string, number>,
  lookups: string[] = [],
  configs: Record<string, Record<string, string>> = {},
): TopicPartitions {
  const admin = {
    partitionCounts: async (topics: readonly string[]) => {
      lookups.push(...topics);
      return new Map(topics.filter((t) => t in known).map((t) => [t, known[t]!] as const));
    },
    topicConfigs: async (topics: readonly string[]) =>
      new Map(topics.map((t) => [t, new Map(Object.entries(configs[t] ?? {}))] as const)),
  } as unknown as KafkaAdmin;
  return new TopicPartitions(admin);
}

const record = (topic: string, key: string | null, partition?: number) => ({
  topic,
  partition,
  key: key === null ? null : Buffer.from(key),
  value: Buffer.from("v"),
  headers: [],
  timestamp: 1,
});

describe("KafkaRecordCollector", () => {
  it("partitions keyed records as a Java producer does, and null keys round robin", async () => {
    const counts = partitions({ out: 6 });
    await counts.preload(["out"]);
    const collector = new KafkaRecordCollector(counts, async () => undefined);
    for (const key of ["alice", "bob", "carol"]) await collector.send(record("out", key));
    for (let i = 0; i < 4; i += 1) await collector.send(record("out", null));
    await collector.send(record("out", "alice", 5));
    const drained = collector.drain();
    expect(drained.slice(0, 3).map((r) => r.partition)).toEqual(
      ["alice", "bob", "carol"].map((k) => partitionForKey(Buffer.from(k), 6)),
    );
    expect(drained.slice(3, 7).map((r) => r.partition)).toEqual([0, 1, 2, 3]);
    expect(drained[7]!.partition).toBe(5);
    expect(collector.drain()).toEqual([]);
  });

  it("looks up a topic it has not seen once, and names a missing one", async () => {
    const lookups: string[] = [];
    const collector = new KafkaRecordCollector(partitions({ replies: 2 }, lookups), async () => undefined);
    await collector.send(record("replies", "k"));
    await collector.send(record("replies", "k"));
    expect(lookups).toEqual(["replies"]);
    await expect(collector.send(record("nope", "k"))).rejects.toBeInstanceOf(UnknownOutputTopicError);
  });

  it("asks for a flush when full", async () => {
    const counts = partitions({ out: 1 });
    await counts.preload(["out"]);
    let flushes = 0;
    const collector: KafkaRecordCollector = new KafkaRecordCollector(
      counts,
      async () => {
        flushes += 1;
        collector.drain();
      },
      { maxRecords: 3, maxBytes: 1 << 20 },
    );
    for (let i = 0; i < 7; i += 1) await collector.send(record("out", `k${i}`));
    expect(flushes).toBe(2);
    expect(collector.size).toBe(1);
  });

  it("passes headers through as an ordered list", async () => {
    const counts = partitions({ out: 1 });
    await counts.preload(["out"]);
    const collector = new KafkaRecordCollector(counts, async () => undefined);
    const headers = [
      { key: "h", value: Buffer.from("a") },
      { key: "x", value: null },
      { key: "h", value: Buffer.from("b") },
    ];
    await collector.send({ ...record("out", "k"), headers });
    expect(collector.drain()[0]!.headers).toEqual(headers);
  });

  it("hands a record its topic would refuse to the refusal handler instead of buffering it", async () => {
    const counts = partitions({ out: 1, compacted: 1 }, [], {
      out: { "max.message.bytes": "200" },
      compacted: { "cleanup.policy": "compact" },
    });
    await counts.preload(["out"]);
    const refused: string[] = [];
    const collector = new KafkaRecordCollector(
      counts,
      async () => undefined,
      undefined,
      (r, refusal) => {
        refused.push(`${r.topic}:${refusal.reason}`);
      },
    );
    await collector.send(record("out", "small"));
    await collector.send({ ...record("out", "big"), value: Buffer.alloc(300) });
    await collector.send(record("compacted", null));
    await collector.send(record("compacted", "keyed"));
    expect(refused).toEqual(["out:RECORD_TOO_LARGE", "compacted:INVALID_RECORD"]);
    expect(collector.drain().map((r) => `${r.topic}:${r.key?.toString()}`)).toEqual(["out:small", "compacted:keyed"]);
  });
});
