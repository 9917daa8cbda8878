import { Partitioners } from "kafkajs";
import { describe, expect, it } from "vitest";
import { murmur2, partitionForKey, toPositive } from "../../src/kafka/partitioner.js";

describe("murmur2", () => {
  // The vectors of Kafka's own UtilsTest.testMurmur2 (clients/src/test/java/.../UtilsTest.java).
  const javaVectors: [Uint8Array, number][] = [
    [Buffer.from("21"), -973932308],
    [Buffer.from("foobar"), -790332482],
    [Buffer.from("a-little-bit-long-string"), -985981536],
    [Buffer.from("a-little-bit-longer-string"), -1486304829],
    [Buffer.from("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"), -58897971],
    [Uint8Array.from([97, 98, 99]), 479470107],
  ];

  it.each(javaVectors)("hashes %s as Java's Utils.murmur2 does", (key, expected) => {
    expect(murmur2(key)).toBe(expected);
  });

  it("hashes the empty key and every tail length", () => {
    expect(murmur2(new Uint8Array(0))).toBe(murmur2(Buffer.alloc(0)));
    const seen = new Set([1, 2, 3, 4, 5].map((n) => murmur2(Buffer.alloc(n, 0xff))));
    expect(seen.size).toBe(5);
  });
});

describe("partitionForKey", () => {
  it("clears the sign bit instead of taking the absolute value", () => {
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(-1)).toBe(2147483647);
  });

  it("agrees with kafkajs's Java-compatible default partitioner for many keys", () => {
    const partitioner = Partitioners.DefaultPartitioner();
    for (const partitions of [1, 3, 12, 50]) {
      const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
        partitionErrorCode: 0,
        partitionId,
        leader: 1,
        replicas: [1],
        isr: [1],
      }));
      for (let i = 0; i < 500; i++) {
        const key = `key-${i}-${"x".repeat(i % 7)}`;
        const expected = partitioner({ topic: "t", partitionMetadata, message: { key, value: null } });
        expect(partitionForKey(key, partitions)).toBe(expected);
      }
    }
  });

  it("puts string and byte keys with the same bytes on the same partition", () => {
    expect(partitionForKey("order-17", 12)).toBe(partitionForKey(Buffer.from("order-17"), 12));
  });

  it("refuses a partition count that is not a positive integer", () => {
    expect(() => partitionForKey("k", 0)).toThrow(RangeError);
    expect(() => partitionForKey("k", 2.5)).toThrow(RangeError);
  });
});
