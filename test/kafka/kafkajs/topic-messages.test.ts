import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { PartitionedMessages } from "../../../src/kafka/kafkajs/partitioned-messages.js";
import { kafkajsTopicMessages } from "../../../src/kafka/kafkajs/topic-messages.js";
import { explicitPartitioner } from "../../../src/kafka/produce.js";
import { toKafkajsHeaders } from "../../../src/kafka/types.js";

type Grouping = (args: {
  topic: string;
  partitionMetadata: unknown[];
  messages: unknown[];
  partitioner: unknown;
}) => Record<number, unknown[]>;
const groupMessagesPerPartition = createRequire(import.meta.url)(
  "kafkajs/src/producer/groupMessagesPerPartition",
) as Grouping;

describe("kafkajsTopicMessages", () => {
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

  it("groups records by topic, keeping their partitions, converted to kafkajs messages with the fast paths off", () => {
    const records = [
      { topic: "t", partition: 1, key: Buffer.from("k1"), value: null, timestamp: 5 },
      { topic: "u", partition: 0, key: null, value: Buffer.from("v"), headers: [{ key: "h", value: null }] },
      { topic: "t", partition: 1, key: Buffer.from("k2"), value: Buffer.from("w") },
    ];
    const messages = kafkajsTopicMessages(records, false);
    expect(messages.map((m) => [m.topic, m.messages.map((x) => x.partition)])).toEqual([
      ["t", [1, 1]],
      ["u", [0]],
    ]);
    expect(messages[0]!.messages[0]!.timestamp).toBe("5");
    expect(messages[1]!.messages[0]!.headers).toEqual({ h: Buffer.alloc(0) });
    expect(messages[0]!.messages).not.toBeInstanceOf(PartitionedMessages);
  });

  it("hands the records themselves over, in one-pass lists, with the fast paths on", () => {
    const record = { topic: "t", partition: 0, key: null, value: null, headers: [{ key: "h", value: null }] };
    const [topic] = kafkajsTopicMessages([record], true);
    expect(topic!.messages).toBeInstanceOf(PartitionedMessages);
    expect(topic!.messages[0]).toBe(record);
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
});
