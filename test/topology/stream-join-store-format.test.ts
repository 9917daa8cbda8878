// The bytes of a left or outer stream-stream join's shared store are Kafka Streams'
// (TimestampedKeyAndJoinSideSerializer, ListValueStore's list of LeftOrRightValue), so
// its changelog reads the same in both; StreamJoined's builder keeps every setting.
import { describe, expect, it } from "vitest";
import { Serdes } from "../../src/serdes/serdes.js";
import { DeserializationError } from "../../src/serdes/errors.js";
import {
  leftOrRightValueListSerde,
  timestampedKeyAndJoinSideSerde,
} from "../../src/topology/dsl/processors/stream-join/outer-join-store-format.js";
import { StreamJoined, joinerFunction } from "../../src/topology/dsl/stream-joined.js";

describe("the outer join store's bytes", () => {
  it("keys are the time (8 bytes, big-endian), the side (1 = left), then the key's bytes", () => {
    const serde = timestampedKeyAndJoinSideSerde(Serdes.string());
    const bytes = serde.serialize({ key: "A", timestamp: 258, leftSide: true });
    expect(bytes.toString("hex")).toBe("0000000000000102" + "01" + "41");
    expect(serde.serialize({ key: "A", timestamp: 258, leftSide: false }).toString("hex")).toBe(
      "0000000000000102" + "00" + "41",
    );
    expect(serde.deserialize(bytes)).toEqual({ key: "A", timestamp: 258, leftSide: true });
    // Time order is byte order: the right record at 258 comes after the left one at 257.
    const earlier = serde.serialize({ key: "Z", timestamp: 257, leftSide: true });
    expect(Buffer.compare(earlier, serde.serialize({ key: "A", timestamp: 258, leftSide: false }))).toBe(-1);
    expect(() => serde.deserialize(Buffer.alloc(5))).toThrow(DeserializationError);
  });

  it("values are Serdes.ListSerde of variable-size entries: each the side byte then the value", () => {
    const serde = leftOrRightValueListSerde(Serdes.string(), Serdes.int32());
    const values = [
      { leftSide: true as const, value: "ab" },
      { leftSide: false as const, value: 7 },
    ];
    const bytes = serde.serialize(values);
    expect(bytes.toString("hex")).toBe("01" + "00000002" + "00000003" + "01" + "6162" + "00000005" + "00" + "00000007");
    expect(serde.deserialize(bytes)).toEqual(values);
    expect(() => serde.deserialize(Buffer.from("00", "hex"))).toThrow(/variable-size/);
    expect(() => serde.deserialize(Buffer.from("0100000002", "hex"))).toThrow(/missing/);
    expect(() => serde.deserialize(Buffer.from("010000000100000009", "hex"))).toThrow(/bad length/);
  });
});

describe("StreamJoined", () => {
  it("keeps each setting and returns a new object from each with...()", () => {
    const base = StreamJoined.with(Serdes.string(), Serdes.string(), null);
    const full = base
      .withName("orders-payments")
      .withStoreName("orders-payments-store")
      .withKeySerde(Serdes.bytes() as never)
      .withValueSerde(Serdes.json())
      .withOtherValueSerde(Serdes.int32())
      .withPersistent(false)
      .withLoggingDisabled();
    expect(base.name).toBeUndefined();
    expect(base.otherValue).toBeUndefined();
    expect(full).toMatchObject({
      name: "orders-payments",
      storeName: "orders-payments-store",
      persistent: false,
      logging: false,
    });
    expect(full.value?.name).toBe("json");
    expect(full.otherValue?.name).toBe(Serdes.int32().name);
    expect(full.withLoggingEnabled().logging).toBe(true);
    expect(StreamJoined.as("store").storeName).toBe("store");
  });

  it("a joiner is a function of (value, otherValue, key) or a ValueJoinerWithKey", () => {
    expect(joinerFunction((a: string, b: string, k: string) => a + b + k, "join()")("a", "b", "k")).toBe("abk");
    expect(joinerFunction({ apply: (k: string, a: string, b: string) => k + a + b }, "join()")("a", "b", "k")).toBe(
      "kab",
    );
    expect(() => joinerFunction(null as never, "leftJoin()")).toThrow(/leftJoin\(\) needs a joiner/);
  });
});
