// What the foreign-key join writes on its internal topics and in its subscription store,
// byte for byte as Kafka Streams: MurmurHash3 x64 128 (Murmur3Test's vectors), the
// SubscriptionWrapper (SubscriptionWrapperSerdeTest) and SubscriptionResponseWrapper
// (SubscriptionResponseWrapperSerdeTest) layouts, and CombinedKeySchema's store keys.
import { describe, expect, it } from "vitest";
import { Serdes } from "../../src/serdes/serdes.js";
import { DeserializationError } from "../../src/serdes/errors.js";
import { DamagedSubscriptionError, UnsupportedSubscriptionVersionError } from "../../src/topology/errors.js";
import { murmur3Hash128 } from "../../src/topology/dsl/processors/fk-join/murmur3.js";
import {
  SubscriptionInstruction,
  subscriptionWrapperSerde,
} from "../../src/topology/dsl/processors/fk-join/subscription-wrapper.js";
import { subscriptionResponseWrapperSerde } from "../../src/topology/dsl/processors/fk-join/subscription-response-wrapper.js";
import { CombinedKeySchema } from "../../src/topology/dsl/processors/fk-join/combined-key.js";

describe("murmur3Hash128 (Kafka Streams' Murmur3.hash128)", () => {
  it("gives Murmur3Test's results (seed 123)", () => {
    const cases: [string | number[], bigint, bigint][] = [
      ["21", 5857341059704281894n, -5288187638297930763n],
      ["foobar", -351361463397418609n, 8959716011862540668n],
      ["a-little-bit-long-string", 8836256500583638442n, -198172363548498523n],
      ["a-little-bit-longer-string", 1838346159335108511n, 8794688210320490705n],
      ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -4024021876037397259n, -1482317706335141238n],
      [[0x61, 0x62, 0x63], 1489494923063836066n, -5440978547625122829n],
    ];
    for (const [input, h1, h2] of cases) {
      const bytes = typeof input === "string" ? Buffer.from(input) : Buffer.from(input);
      expect(murmur3Hash128(bytes, 123)).toEqual([h1, h2]);
    }
  });

  it("hashes with Kafka Streams' default seed, and tells values apart", () => {
    expect(murmur3Hash128(Buffer.from("21"))).not.toEqual(murmur3Hash128(Buffer.from("21"), 123));
    expect(murmur3Hash128(Buffer.from("a"))).not.toEqual(murmur3Hash128(Buffer.from("b")));
    expect(murmur3Hash128(Buffer.alloc(0))).toEqual(murmur3Hash128(new Uint8Array(0)));
  });
});

describe("SubscriptionWrapper serde", () => {
  const serde = subscriptionWrapperSerde(Serdes.string());
  const hash = murmur3Hash128(Buffer.from([0xff, 0xaa, 0x00, 0x19]));

  it("writes {hash-null bit + version}{instruction}{16-byte hash}{primary key}{4-byte partition} (version 1)", () => {
    const bytes = serde.serialize({
      hash,
      instruction: SubscriptionInstruction.DELETE_KEY_AND_PROPAGATE,
      primaryKey: "originalKey",
      version: 1,
      primaryPartition: 10,
    });
    const expected = Buffer.alloc(2 + 16 + 11 + 4);
    expected.writeUInt8(1, 0);
    expected.writeUInt8(1, 1);
    expected.writeBigInt64BE(hash[0], 2);
    expected.writeBigInt64BE(hash[1], 10);
    expected.write("originalKey", 18);
    expected.writeInt32BE(10, 29);
    expect(bytes).toEqual(expected);
    expect(serde.deserialize(bytes)).toEqual({
      hash,
      instruction: SubscriptionInstruction.DELETE_KEY_AND_PROPAGATE,
      primaryKey: "originalKey",
      version: 1,
      primaryPartition: 10,
    });
  });

  it("sets the high bit and leaves the hash out when it is null; reads version 0 (no partition)", () => {
    const bytes = serde.serialize({
      hash: null,
      instruction: SubscriptionInstruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE,
      primaryKey: "originalKey",
      version: 1,
      primaryPartition: 10,
    });
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x81, 3]));
    expect(bytes.length).toBe(2 + 11 + 4);
    const v0 = Buffer.concat([Buffer.from([0x80, 2]), Buffer.from("originalKey")]);
    expect(serde.deserialize(v0)).toEqual({
      hash: null,
      instruction: SubscriptionInstruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE,
      primaryKey: "originalKey",
      version: 0,
      primaryPartition: null,
    });
  });

  it("refuses a newer version, an unknown instruction and cut-short bytes", () => {
    expect(() => serde.deserialize(Buffer.from([0x82, 0]))).toThrow(UnsupportedSubscriptionVersionError);
    expect(() => serde.deserialize(Buffer.from([0x82, 0]))).toThrow(/wrapper version 2 .* reads versions up to 1/);
    expect(() => serde.deserialize(Buffer.from([0x81, 9]))).toThrow(DamagedSubscriptionError);
    expect(() => serde.deserialize(Buffer.from([0x01]))).toThrow(DamagedSubscriptionError);
    expect(() => serde.deserialize(Buffer.from([0x01, 0, 1, 2]))).toThrow(DamagedSubscriptionError);
    // Still undecodable records, dead-lettered as any other.
    expect(() => serde.deserialize(Buffer.from([0x01]))).toThrow(DeserializationError);
    const codeOf = (bytes: number[]) => {
      try {
        serde.deserialize(Buffer.from(bytes));
      } catch (error) {
        return (error as { code?: string }).code;
      }
      return undefined;
    };
    expect([codeOf([0x82, 0]), codeOf([0x81, 9])]).toEqual([
      "EDDY_ERR_SUBSCRIPTION_VERSION",
      "EDDY_ERR_SUBSCRIPTION_DAMAGED",
    ]);
  });
});

describe("SubscriptionResponseWrapper serde", () => {
  const serde = subscriptionResponseWrapperSerde(Serdes.string());

  it("writes {hash-null bit + version}{16-byte hash}{foreign value} and reads it back", () => {
    const hash = murmur3Hash128(Buffer.from("value"));
    const bytes = serde.serialize({
      originalValueHash: hash,
      foreignValue: "foreignValue",
      version: 0,
      primaryPartition: 3,
    });
    const expected = Buffer.alloc(1 + 16 + 12);
    expected.writeBigInt64BE(hash[0], 1);
    expected.writeBigInt64BE(hash[1], 9);
    expected.write("foreignValue", 17);
    expect(bytes).toEqual(expected);
    // The partition only steers the record to its topic partition: it is not written.
    expect(serde.deserialize(bytes)).toEqual({
      originalValueHash: hash,
      foreignValue: "foreignValue",
      version: 0,
      primaryPartition: null,
    });
  });

  it("writes a lone byte for a null hash and no foreign value", () => {
    const bytes = serde.serialize({ originalValueHash: null, foreignValue: null, version: 0, primaryPartition: null });
    expect(bytes).toEqual(Buffer.from([0x80]));
    expect(serde.deserialize(bytes)).toEqual({
      originalValueHash: null,
      foreignValue: null,
      version: 0,
      primaryPartition: null,
    });
    expect(() => serde.deserialize(Buffer.alloc(0))).toThrow(DamagedSubscriptionError);
    expect(() => serde.deserialize(Buffer.from([0x00, 1, 2]))).toThrow(DamagedSubscriptionError);
    expect(() => serde.deserialize(Buffer.from([0x81]))).toThrow(UnsupportedSubscriptionVersionError);
  });
});

describe("CombinedKeySchema (the subscription store's keys)", () => {
  const schema = new CombinedKeySchema(Serdes.string(), Serdes.int32(), { topic: "fk" }, { topic: "pk" });

  it("keys by {4-byte foreign key length}{foreign key}{primary key}, so a foreign key's subscribers share a prefix", () => {
    const key = schema.toBytes("rhs1", 7);
    expect(key).toEqual(Buffer.from([0, 0, 0, 4, ...Buffer.from("rhs1"), 0, 0, 0, 7]));
    expect(schema.prefixBytes("rhs1")).toEqual(key.subarray(0, 8));
    expect(schema.primaryKeyOf(key)).toBe(7);
    expect(schema.toBytes("rhs10", 7).subarray(0, 8)).not.toEqual(schema.prefixBytes("rhs1"));
  });
});
