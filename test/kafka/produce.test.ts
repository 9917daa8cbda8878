import { describe, expect, it } from "vitest";
import { chunksOf, explicitPartitioner, toProducedOffsets } from "../../src/kafka/produce.js";

describe("produce helpers", () => {
  it("maps kafkajs' answers to the offset ranges the records got", () => {
    const records = [
      { topic: "t", partition: 1, key: Buffer.from("k1"), value: null, timestamp: 5 },
      { topic: "u", partition: 0, key: null, value: Buffer.from("v") },
      { topic: "t", partition: 1, key: Buffer.from("k2"), value: Buffer.from("w") },
    ];
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

  it("partitions every record where the runtime put it, and refuses one without a partition", () => {
    const partition = explicitPartitioner();
    expect(partition({ topic: "t", partitionMetadata: [], message: { value: null, partition: 3 } })).toBe(3);
    expect(() => partition({ topic: "t", partitionMetadata: [], message: { value: null } })).toThrow(
      /explicit partition/,
    );
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
