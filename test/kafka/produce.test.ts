import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import {
  chunksOf,
  explicitPartitioner,
  PartitionedMessages,
  toKafkajsHeaders,
  toKafkajsTopicMessages,
  toProducedOffsets,
} from "../../src/kafka/produce.js";

type Grouping = (args: {
  topic: string;
  partitionMetadata: unknown[];
  messages: unknown[];
  partitioner: unknown;
}) => Record<number, unknown[]>;
const groupMessagesPerPartition = createRequire(import.meta.url)(
  "kafkajs/src/producer/groupMessagesPerPartition",
) as Grouping;

describe("produce helpers", () => {
  it("groups repeated header keys in order, and writes null values as empty ones", () => {
    const a = Buffer.from("a");
    const b = Buffer.from("b");
    expect(
      toKafkajsHeaders([
        { key: "h", value: a },
        { key: "x", value: null },
        { key: "h", value: b },
      ]),
    ).toEqual({ h: [a, b], x: Buffer.alloc(0) });
    expect(toKafkajsHeaders([])).toBeUndefined();
  });

  it("groups records by topic, keeping their partitions, and maps answers to offset ranges", () => {
    const records = [
      { topic: "t", partition: 1, key: Buffer.from("k1"), value: null, timestamp: 5 },
      { topic: "u", partition: 0, key: null, value: Buffer.from("v") },
      { topic: "t", partition: 1, key: Buffer.from("k2"), value: Buffer.from("w") },
    ];
    const messages = toKafkajsTopicMessages(records);
    expect(messages.map((m) => [m.topic, m.messages.map((x) => x.partition)])).toEqual([
      ["t", [1, 1]],
      ["u", [0]],
    ]);
    expect(messages[0]!.messages[0]!.timestamp).toBe("5");
    const offsets = toProducedOffsets(
      [
        { topicName: "t", partition: 1, errorCode: 0, baseOffset: "40" },
        { topicName: "u", partition: 0, errorCode: 0, baseOffset: "7" },
      ],
      records,
    );
    expect(offsets).toEqual([
      { topic: "t", partition: 1, baseOffset: 40, lastOffset: 41 },
      { topic: "u", partition: 0, baseOffset: 7, lastOffset: 7 },
    ]);
  });
});

describe("PartitionedMessages", () => {
  it("gives kafkajs' grouping per partition the same answer as a plain list, in one pass", () => {
    const records = Array.from({ length: 3_000 }, (_, i) => ({
      key: Buffer.from(`k${i}`),
      value: Buffer.from("v"),
      partition: (i * 7) % 5,
    }));
    const args = { topic: "t", partitionMetadata: [{}, {}, {}, {}, {}], partitioner: explicitPartitioner() };
    const listed = PartitionedMessages.from(records);
    expect(listed).toBeInstanceOf(PartitionedMessages);
    const expected = groupMessagesPerPartition({ ...args, messages: [...records] });
    expect(groupMessagesPerPartition({ ...args, messages: listed })).toEqual(expected);
    expect(Object.keys(expected)).toEqual(["0", "1", "2", "3", "4"]);
    // Any other use is Array's own, and derived lists are plain arrays.
    expect(listed.reduce((sum, m) => sum + m.partition!, 0)).toBe(records.reduce((sum, m) => sum + m.partition, 0));
    expect(listed.slice(0, 2)).not.toBeInstanceOf(PartitionedMessages);
  });

  it("is what the producers hand to kafkajs", () => {
    const [topic] = toKafkajsTopicMessages([{ topic: "t", partition: 0, key: null, value: null }], true);
    expect(topic!.messages).toBeInstanceOf(PartitionedMessages);
  });
});

describe("chunksOf", () => {
  it("cuts sends at 4000 records or 768 KiB, keeping order, never leaving a record out", () => {
    const small = Array.from({ length: 8_100 }, (_, i) => ({
      topic: "t",
      partition: 0,
      key: Buffer.from(`k${i}`),
      value: null,
    }));
    const chunks = [...chunksOf(small)];
    expect(chunks.map((c) => c.length)).toEqual([4_000, 4_000, 100]);
    expect(chunks.flat()).toEqual(small);
    const big = Array.from({ length: 5 }, () => ({
      topic: "t",
      partition: 0,
      key: null,
      value: Buffer.alloc(300 * 1024),
    }));
    expect([...chunksOf(big)].map((c) => c.length)).toEqual([2, 2, 1]);
    const headers = [{ key: "h", value: Buffer.alloc(200 * 1024) }];
    const withHeaders = Array.from({ length: 5 }, () => ({
      topic: "t",
      partition: 0,
      key: null,
      value: Buffer.alloc(100 * 1024),
      headers,
    }));
    expect([...chunksOf(withHeaders)].map((c) => c.length)).toEqual([2, 2, 1]);
    const huge = [{ topic: "t", partition: 0, key: null, value: Buffer.alloc(900 * 1024) }];
    expect([...chunksOf(huge)].map((c) => c.length)).toEqual([1]);
  });
});
