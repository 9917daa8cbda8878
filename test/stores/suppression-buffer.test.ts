// The suppress() buffer over a bytes store: Kafka Streams' v3 entry layout (round trip, the
// old value written once when it equals the prior one, nulls), its size estimate, ordering by
// buffer time then key with a re-buffered key keeping its time, the prior value a view sees,
// and an instance that reopens the same bytes (a restored changelog) finding the same order.
import { describe, expect, it } from "vitest";
import { Serdes } from "../../src/serdes/serdes.js";
import type { Serde } from "../../src/serdes/serde.js";
import { StateStoreError } from "../../src/stores/errors.js";
import { InMemoryKeyValueBytesStore } from "../../src/stores/in-memory-bytes-store.js";
import { SuppressionBuffer } from "../../src/stores/suppression-buffer.js";
import type { Eviction } from "../../src/stores/suppression-buffer.js";
import { bufferEntrySize, decodeBufferEntry, encodeBufferEntry } from "../../src/stores/suppression-buffer-format.js";

const longs = Serdes.long() as Serde<number>;
const context = (timestamp: number, headers: { key: string; value: Buffer | null }[] = []) => ({
  timestamp,
  offset: 7,
  topic: "input",
  partition: 2,
  headers,
});

describe("the suppression buffer's entry layout (Kafka Streams' BufferValue v3)", () => {
  it("writes the record context, prior, old and new values, then the buffer time", () => {
    const prior = Buffer.from("p");
    const entry = {
      context: context(5, [
        { key: "h", value: Buffer.from("x") },
        { key: "n", value: null },
      ]),
      prior,
      old: Buffer.from("o"),
      new: Buffer.from("nn"),
      time: 42,
    };
    const bytes = encodeBufferEntry(entry);
    // timestamp, offset, topic, partition, 2 headers ("h"="x", "n"=null), prior, old, new, time.
    const expected = Buffer.concat([
      Buffer.from("0000000000000005" + "0000000000000007", "hex"),
      Buffer.from("00000005", "hex"),
      Buffer.from("input"),
      Buffer.from("00000002" + "00000002", "hex"),
      Buffer.from("00000001", "hex"),
      Buffer.from("h"),
      Buffer.from("00000001", "hex"),
      Buffer.from("x"),
      Buffer.from("00000001", "hex"),
      Buffer.from("n"),
      Buffer.from("ffffffff", "hex"),
      Buffer.from("00000001", "hex"),
      Buffer.from("p"),
      Buffer.from("00000001", "hex"),
      Buffer.from("o"),
      Buffer.from("00000002", "hex"),
      Buffer.from("nn"),
      Buffer.from("000000000000002a", "hex"),
    ]);
    expect(bytes).toEqual(expected);
    expect(decodeBufferEntry(bytes, "s")).toEqual(entry);
  });

  it("writes an old value equal to the prior one as -2, and nulls as -1", () => {
    const same = Buffer.from("v");
    const bytes = encodeBufferEntry({ context: context(1), prior: same, old: Buffer.from("v"), new: null, time: 3 });
    const tail = bytes.subarray(bytes.length - 8 - 4 - 4 - 5);
    expect(tail.subarray(0, 5)).toEqual(Buffer.from("0000000176", "hex"));
    expect(tail.readInt32BE(5)).toBe(-2);
    expect(tail.readInt32BE(9)).toBe(-1);
    const decoded = decodeBufferEntry(bytes, "s");
    expect(decoded.old).toBe(decoded.prior);
    expect(decoded.new).toBeNull();
    // The shared prior/old value is counted once.
    expect(bufferEntrySize(Buffer.from("k"), decoded)).toBe(8 + 1 + 1 + 8 + 8 + 5 + 4);
  });

  it("refuses an entry cut short, naming the store", () => {
    const bytes = encodeBufferEntry({ context: context(1), prior: null, old: null, new: Buffer.from("v"), time: 3 });
    expect(() => decodeBufferEntry(bytes.subarray(0, bytes.length - 3), "my-buffer")).toThrow(StateStoreError);
    expect(() => decodeBufferEntry(bytes.subarray(0, 10), "my-buffer")).toThrow(/"my-buffer"/);
  });
});

describe("SuppressionBuffer", () => {
  async function drain(buffer: SuppressionBuffer<string, number>): Promise<Eviction<string, number>[]> {
    const evicted: Eviction<string, number>[] = [];
    await buffer.evictWhile(
      () => true,
      async (eviction) => {
        evicted.push(eviction);
      },
    );
    return evicted;
  }

  it("orders by buffer time then key; a key buffered again keeps its time and its prior value", async () => {
    const bytes = new InMemoryKeyValueBytesStore("buf");
    const buffer = new SuppressionBuffer(bytes, Serdes.string(), longs);
    await buffer.put(10, "b", { newValue: 1, oldValue: null }, context(10));
    await buffer.put(10, "a", { newValue: 1, oldValue: 7 }, context(10));
    await buffer.put(5, "c", { newValue: 1, oldValue: null }, context(5));
    await buffer.put(20, "a", { newValue: 2, oldValue: 1 }, context(20));
    expect(buffer.numRecords()).toBe(3);
    expect(buffer.minTimestamp()).toBe(5);
    expect(await buffer.priorValueForBuffered("a")).toEqual({ value: 7 });
    expect(await buffer.priorValueForBuffered("c")).toEqual({ value: null });
    expect(await buffer.priorValueForBuffered("zzz")).toBeUndefined();
    const size = buffer.bufferSize();
    expect(size).toBeGreaterThan(0);

    // A second buffer over the same bytes (the changelog restored) sees the same entries in the same order.
    const reopened = new SuppressionBuffer(bytes, Serdes.string(), longs);
    await reopened.ready();
    expect(reopened.numRecords()).toBe(3);
    expect(reopened.bufferSize()).toBe(size);
    const evicted = await drain(reopened);
    expect(evicted.map((e) => [e.key, e.value.newValue, e.value.oldValue, e.context.timestamp])).toEqual([
      ["c", 1, null, 5],
      ["a", 2, 1, 20],
      ["b", 1, null, 10],
    ]);
    expect(reopened.numRecords()).toBe(0);
    expect(reopened.bufferSize()).toBe(0);
    expect(reopened.minTimestamp()).toBe(Number.POSITIVE_INFINITY);
    expect(await bytes.approximateNumEntries()).toBe(0);
  });

  it("evicts only while the predicate holds", async () => {
    const buffer = new SuppressionBuffer(new InMemoryKeyValueBytesStore("buf"), Serdes.string(), longs);
    for (const [time, key] of [
      [1, "x"],
      [2, "y"],
      [3, "z"],
    ] as const) {
      await buffer.put(time, key, { newValue: time, oldValue: null }, context(time));
    }
    const evicted: string[] = [];
    await buffer.evictWhile(
      () => buffer.minTimestamp() <= 2,
      async (e) => {
        evicted.push(e.key);
      },
    );
    expect(evicted).toEqual(["x", "y"]);
    expect(buffer.name).toBe("buf");
    expect(buffer.minTimestamp()).toBe(3);
  });
});
