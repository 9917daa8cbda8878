// Session store keys (Kafka Streams' SessionKeySchema.toBinary): key bytes, 8-byte end,
// 8-byte start, big-endian two's complement, made without a BigInt and, for a string
// key, without a Buffer of the key first; the same bytes whatever the path.
import { describe, expect, it } from "vitest";
import {
  sessionEndOf,
  sessionKeyBytesOf,
  sessionKeyRowOf,
  sessionStartOf,
  sessionStoreKey,
  sessionStoreKeyOf,
  sessionStoreKeyOfString,
} from "../../src/stores/session-key-schema.js";
import { Serdes } from "../../src/serdes/serdes.js";

/** The layout as Kafka Streams writes it, with BigInts. */
function reference(key: Buffer, start: number, end: number): Buffer {
  const bytes = Buffer.alloc(key.length + 16);
  key.copy(bytes);
  bytes.writeBigInt64BE(BigInt(end), key.length);
  bytes.writeBigInt64BE(BigInt(start), key.length + 8);
  return bytes;
}

const TIMES = [0, 1, 255, 2 ** 32 - 1, 2 ** 32, 1_764_547_200_123, Number.MAX_SAFE_INTEGER, -1, -(2 ** 32) - 7];
const context = { store: "s", part: "key" as const };

describe("session key schema", () => {
  it("writes key, end, start as Kafka Streams does, and reads them back", () => {
    for (const key of ["a", "page-000042", "", "héllo", "日本"]) {
      for (const end of TIMES) {
        const start = TIMES[(TIMES.indexOf(end) + 3) % TIMES.length]!;
        const expected = reference(Buffer.from(key, "utf8"), start, end);
        expect(sessionStoreKey(Buffer.from(key, "utf8"), start, end)).toEqual(expected);
        expect(sessionStoreKeyOfString(key, start, end)).toEqual(expected);
        expect(sessionStoreKeyOf(Serdes.string(), context, key, start, end)).toEqual(expected);
        expect([sessionStartOf(expected), sessionEndOf(expected)]).toEqual([start, end]);
        expect(sessionKeyBytesOf(expected).toString("utf8")).toBe(key);
        expect(sessionKeyRowOf(Serdes.string(), context, key)).toBe(Buffer.from(key, "utf8").toString("latin1"));
      }
    }
    expect(sessionEndOf(Buffer.from("short"))).toBe(-1);
  });

  it("serializes other keys with their serde", () => {
    const longs = Serdes.long();
    const expected = reference(longs.serialize(7, context), 3, 9);
    expect(sessionStoreKeyOf(longs, context, 7, 3, 9)).toEqual(expected);
    expect(sessionKeyRowOf(longs, context, 7)).toBe(longs.serialize(7, context).toString("latin1"));
  });
});
