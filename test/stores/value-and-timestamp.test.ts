import { describe, expect, it } from "vitest";
import { DeserializationError } from "../../src/serdes/errors.js";
import { Serdes } from "../../src/serdes/serdes.js";
import { changelogFormat } from "../../src/stores/changelog-format.js";
import {
  rawValueOf,
  timestampOf,
  valueAndTimestampSerde,
  withTimestamp,
} from "../../src/stores/value-and-timestamp.js";

describe("ValueAndTimestamp bytes", () => {
  it("are Kafka Streams' layout: the timestamp as 8 bytes big-endian, then the value", () => {
    const serde = valueAndTimestampSerde(Serdes.string());
    const bytes = serde.serialize({ value: "hi", timestamp: 0x0102030405 });
    expect(bytes.toString("hex")).toBe("0000000102030405" + Buffer.from("hi").toString("hex"));
    expect(serde.deserialize(bytes)).toEqual({ value: "hi", timestamp: 0x0102030405 });
    expect(timestampOf(bytes)).toBe(0x0102030405);
    expect(rawValueOf(bytes).toString()).toBe("hi");
    // NO_TIMESTAMP (-1) round-trips: an upgraded row has it.
    expect(serde.deserialize(withTimestamp(-1, Buffer.from("x")))).toEqual({ value: "x", timestamp: -1 });
  });

  it("write counts (long values) as the general layout does, without a BigInt, and fall back for the rest", () => {
    const counts = valueAndTimestampSerde(Serdes.long());
    for (const [value, timestamp] of [
      [0, 0],
      [1, 1_700_000_000_123],
      [-1, -1],
      [Number.MAX_SAFE_INTEGER, 2 ** 40 + 7],
      [Number.MIN_SAFE_INTEGER, 5],
      [2 ** 32 + 1, 2 ** 32 - 1],
    ] as const) {
      const bytes = counts.serialize({ value, timestamp });
      expect(bytes).toEqual(withTimestamp(timestamp, Serdes.long().serialize(value)));
      expect(counts.deserialize(bytes)).toEqual({ value, timestamp });
      expect(timestampOf(bytes)).toBe(timestamp);
    }
    // A bigint count, and values the long serde refuses, take the general path: same bytes, same errors.
    const big = counts.serialize({ value: (2n ** 62n) as unknown as number, timestamp: 3 });
    expect(big).toEqual(withTimestamp(3, Serdes.long().serialize(2n ** 62n)));
    expect(() => counts.deserialize(big, { store: "s" })).toThrow(DeserializationError);
    expect(() => counts.serialize({ value: 1.5, timestamp: 3 })).toThrow(/safe integer/);
    expect(() => counts.serialize({ value: 1, timestamp: 1.5 })).toThrow(RangeError);
    expect(() => counts.deserialize(Buffer.alloc(15), { store: "s" })).toThrow(DeserializationError);
    // A timestamp beyond 2^53 reads as Number(bigint) would.
    const far = Buffer.alloc(16);
    far.writeBigInt64BE(2n ** 60n + 1n, 0);
    expect(timestampOf(far)).toBe(Number(2n ** 60n + 1n));
  });

  it("refuses bytes too short to hold a timestamp", () => {
    expect(() => valueAndTimestampSerde(Serdes.string()).deserialize(Buffer.alloc(7), { store: "s" })).toThrow(
      DeserializationError,
    );
  });
});

describe("changelog formats", () => {
  const key = Buffer.from("k");

  it("log a timestamped store's plain value with the value's timestamp, and restore it back", () => {
    const format = changelogFormat({ type: "keyValue", timestamped: true });
    const stored = withTimestamp(1234, Buffer.from("v"));
    const entry = format.toChangelog(key, stored, 99);
    expect(entry).toEqual({ key, value: Buffer.from("v"), timestamp: 1234, headers: undefined });
    expect(format.fromChangelog({ key, value: Buffer.from("v"), timestamp: 1234 })).toEqual({
      key,
      value: stored,
      timestamp: 1234,
    });
    // Deletes, and rows without a known timestamp, take the stream time.
    expect(format.toChangelog(key, null, 99)).toEqual({ key, value: null, timestamp: 99, headers: undefined });
    expect(format.toChangelog(key, withTimestamp(-1, Buffer.from("v")), 99)?.timestamp).toBe(99);
    expect(format.fromChangelog({ key, value: null, timestamp: 5 })).toEqual({ key, value: null, timestamp: 5 });
  });

  it("log plain stores as they are, and a suppression buffer with its version header and no timestamp", () => {
    const plain = changelogFormat({ type: "keyValue", timestamped: false });
    expect(plain.identity).toBe(true);
    expect(plain.toChangelog(key, Buffer.from("v"), 7)).toEqual({
      key,
      value: Buffer.from("v"),
      timestamp: 7,
      headers: undefined,
    });
    const buffer = changelogFormat({ type: "buffer", timestamped: false });
    expect(buffer.toChangelog(key, Buffer.from("v"), 7)?.headers).toEqual([{ key: "v", value: Buffer.from([3]) }]);
    expect(buffer.toChangelog(key, null, 7)?.headers).toBeUndefined();
    // Kafka Streams sends the buffer's records with a null timestamp: the producer stamps them.
    expect(buffer.toChangelog(key, Buffer.from("v"), 7)?.timestamp).toBeNull();
    expect(buffer.toChangelog(key, null, 7)?.timestamp).toBeNull();
  });
});
