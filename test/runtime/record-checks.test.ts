// The runtime refuses, before sending, exactly what the broker would refuse: the size
// of a record alone in its batch is Kafka's (checked against the broker at the boundary),
// keyless records on compacted topics, and timestamps out of the topic's range.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RECORD_BATCH_OVERHEAD, recordSizeInBatch, refusalOf, writeRulesOf } from "../../src/runtime/record-checks.js";
import type { TopicWriteRules } from "../../src/runtime/record-checks.js";
import { chunksOf } from "../../src/kafka/produce.js";
import type { ProducedRecord } from "../../src/kafka/types.js";
import { createTopic, startTestCluster } from "../integration/support/kafka.js";
import type { TestCluster } from "../integration/support/kafka.js";

const rules = (overrides: Partial<TopicWriteRules> = {}): TopicWriteRules => ({
  ...writeRulesOf(new Map()),
  ...overrides,
});

const record = (value: number, overrides: Partial<ProducedRecord> = {}): ProducedRecord => ({
  topic: "t",
  partition: 0,
  key: Buffer.from("key"),
  value: Buffer.alloc(value, 1),
  headers: [{ key: "trace", value: Buffer.from("abc") }],
  timestamp: 1_000_000,
  ...overrides,
});

describe("record checks", () => {
  it("reads the rules from topic configs, Kafka's defaults for what is missing", () => {
    expect(writeRulesOf(new Map())).toEqual({
      maxMessageBytes: 1_048_588,
      compacted: false,
      createTime: true,
      timestampBeforeMaxMs: Number.MAX_SAFE_INTEGER,
      timestampAfterMaxMs: Number.MAX_SAFE_INTEGER,
    });
    expect(
      writeRulesOf(
        new Map([
          ["max.message.bytes", "2000"],
          ["cleanup.policy", "compact,delete"],
          ["message.timestamp.type", "LogAppendTime"],
          ["message.timestamp.difference.max.ms", "60000"],
        ]),
      ),
    ).toEqual({
      maxMessageBytes: 2000,
      compacted: true,
      createTime: false,
      timestampBeforeMaxMs: 60_000,
      timestampAfterMaxMs: 60_000,
    });
  });

  it("refuses a keyless record on a compacted topic and a timestamp out of range", () => {
    expect(refusalOf(record(10, { key: null }), rules({ compacted: true }), 1_000_000)?.reason).toBe("INVALID_RECORD");
    expect(refusalOf(record(10, { key: null }), rules(), 1_000_000)).toBeUndefined();
    const window = rules({ timestampBeforeMaxMs: 1000, timestampAfterMaxMs: 10 });
    expect(refusalOf(record(10, { timestamp: 998_999 }), window, 1_000_000)?.reason).toBe("INVALID_TIMESTAMP");
    expect(refusalOf(record(10, { timestamp: 999_000 }), window, 1_000_000)).toBeUndefined();
    expect(refusalOf(record(10, { timestamp: 1_000_011 }), window, 1_000_000)?.reason).toBe("INVALID_TIMESTAMP");
    expect(refusalOf(record(10, { timestamp: 1 }), { ...window, createTime: false }, 1_000_000)).toBeUndefined();
  });

  it("cuts a send so that no partition's batch passes its topic's max.message.bytes", () => {
    const records = Array.from({ length: 10 }, (_, i) => record(500, { partition: i % 2 }));
    const chunks = [...chunksOf(records, () => 2000)];
    expect(chunks.flat()).toEqual(records);
    for (const chunk of chunks) {
      for (const partition of [0, 1]) {
        const batch = chunk.filter((r) => r.partition === partition);
        const bytes = RECORD_BATCH_OVERHEAD + batch.reduce((sum, r, i) => sum + recordSizeInBatch(r, i, 0), 0);
        expect(bytes).toBeLessThanOrEqual(2000);
      }
    }
    expect(chunks.length).toBeGreaterThan(1);
    expect([...chunksOf(records)].length).toBe(1);
  });

  it("keeps each topic's batches and limit apart when the topics of a send alternate", () => {
    // Runs of "small" (2,000 bytes a batch) and "large" (no limit), in turns, on the same partitions.
    const records = Array.from({ length: 24 }, (_, i) =>
      record(500, { topic: Math.floor(i / 3) % 2 === 0 ? "small" : "large", partition: i % 2 }),
    );
    const limits: Record<string, number> = { small: 2000, large: 1 << 20 };
    const chunks = [...chunksOf(records, (topic) => limits[topic] as number)];
    expect(chunks.flat()).toEqual(records);
    for (const chunk of chunks) {
      for (const partition of [0, 1]) {
        const batch = chunk.filter((r) => r.topic === "small" && r.partition === partition);
        const bytes = RECORD_BATCH_OVERHEAD + batch.reduce((sum, r, i) => sum + recordSizeInBatch(r, i, 0), 0);
        expect(bytes).toBeLessThanOrEqual(2000);
      }
    }
    // Three of the small topic's records fit in a batch, a fourth does not: each cut comes at the
    // record that would be its partition's fourth, however many of the large topic's came between.
    expect(chunks.map((c) => c.filter((r) => r.topic === "small").length)).toEqual([5, 4, 3]);
    expect(chunks.map((c) => c.length)).toEqual([8, 10, 6]);
  });
});

describe("record size against the broker", () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster();
  });

  afterAll(async () => {
    await cluster.close();
  });

  it("a record whose batch is exactly max.message.bytes is taken, one byte more is refused, as refusalOf() says", async () => {
    const limit = 3000;
    await createTopic(cluster.kafka, "boundary", 1, { "max.message.bytes": String(limit) });
    const base = record(0);
    const valueBytes = limit - RECORD_BATCH_OVERHEAD - recordSizeInBatch(base, 0, 0);
    // The value's length varint grows with it: find the largest value that fits.
    let size = valueBytes;
    while (RECORD_BATCH_OVERHEAD + recordSizeInBatch(record(size), 0, 0) > limit) size -= 1;
    const fits = record(size);
    const tooLarge = record(size + 1);
    expect(RECORD_BATCH_OVERHEAD + recordSizeInBatch(fits, 0, 0)).toBe(limit);
    expect(refusalOf(fits, rules({ maxMessageBytes: limit }), 1_000_000)).toBeUndefined();
    expect(refusalOf(tooLarge, rules({ maxMessageBytes: limit }), 1_000_000)?.reason).toBe("RECORD_TOO_LARGE");
    const producer = cluster.kafka.producer({ createPartitioner: () => () => 0 });
    await producer.connect();
    try {
      const send = (r: ProducedRecord) =>
        producer.send({
          topic: "boundary",
          acks: -1,
          messages: [{ key: r.key, value: r.value, headers: { trace: "abc" }, timestamp: String(r.timestamp) }],
        });
      await expect(send(fits)).resolves.toBeDefined();
      await expect(send(tooLarge)).rejects.toThrow(/too large|MESSAGE_TOO_LARGE|larger/i);
    } finally {
      await producer.disconnect();
    }
  });
});
