// The window store: Kafka Streams' WindowKeySchema layout, fetches bounded by time and
// by retention (stream time - retention), keys that share a prefix kept apart, expired
// segments deleted as stream time passes them.
import { describe, expect, it } from "vitest";
import { InMemoryKeyValueBytesStore } from "../../src/stores/in-memory-bytes-store.js";
import { TypedWindowStore } from "../../src/stores/window-store.js";
import {
  windowStartOf,
  windowStartOfRow,
  windowStoreKey,
  windowStoreKeyOfString,
} from "../../src/stores/window-key-schema.js";
import { Serdes } from "../../src/serdes/serdes.js";

async function collect<T>(iterator: AsyncIterableIterator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterator) out.push(item);
  return out;
}

describe("TypedWindowStore", () => {
  it("lays keys out as key bytes, 8-byte window start, 4-byte sequence number", async () => {
    const bytes = new InMemoryKeyValueBytesStore("w");
    const store = new TypedWindowStore(bytes, Serdes.string(), Serdes.string(), { windowSizeMs: 10, retentionMs: 100 });
    await store.put("a", "x", 20);
    const [entry] = await collect(bytes.iterate({}));
    const key = entry![0];
    expect(key.toString("hex")).toBe("61" + "0000000000000014" + "00000000");
  });

  it("lays out a string key's store key as the bytes Serdes.string() makes, ASCII or not", async () => {
    for (const text of ["", "a", "key-000042", "k\u00ff", "caf\u00e9-\u{1f600}", "\u0000\u007f\u0080"]) {
      for (const start of [0, 1, 2 ** 32 + 5, Date.UTC(2026, 11, 1)]) {
        expect(windowStoreKeyOfString(text, start, 3)).toEqual(windowStoreKey(Buffer.from(text, "utf8"), start, 3));
      }
    }
    const bytes = new InMemoryKeyValueBytesStore("w");
    const store = new TypedWindowStore(bytes, Serdes.string(), Serdes.string(), { windowSizeMs: 10, retentionMs: 100 });
    await store.put("\u00e9t\u00e9", "x", 20);
    const [entry] = await collect(bytes.iterate({}));
    expect(entry![0]).toEqual(windowStoreKey(Buffer.from("\u00e9t\u00e9", "utf8"), 20, 0));
    expect(await store.fetch("\u00e9t\u00e9", 20)).toBe("x");
  });

  it("reads a window start back from a store key held as a latin1 string, as from its bytes", () => {
    for (const start of [
      -(2 ** 40),
      -1,
      0,
      1,
      255,
      2 ** 31 - 1,
      2 ** 31,
      2 ** 32 - 1,
      2 ** 32,
      Date.UTC(2026, 11, 1),
      2 ** 53 - 1,
    ]) {
      const key = windowStoreKey(Buffer.from("k\u00ff"), start, 7);
      expect(windowStartOf(key)).toBe(start);
      expect(windowStartOfRow(key.toString("latin1"))).toBe(start);
    }
  });

  it("fetches one key's windows by start, either way, and keeps apart keys that start with the same bytes", async () => {
    const store = new TypedWindowStore(new InMemoryKeyValueBytesStore("w"), Serdes.string(), Serdes.string(), {
      windowSizeMs: 10,
      retentionMs: 1_000,
    });
    for (const [key, start] of [
      ["a", 0],
      ["a", 10],
      ["a", 20],
      ["a\u0000\u0000\u0000\u0000\u0000\u0000\u0000", 10],
      ["b", 10],
    ] as const) {
      await store.put(key, `${key.length}@${start}`, start);
    }
    expect(await collect(store.fetch("a", 5, 20))).toEqual([
      { key: 10, value: "1@10" },
      { key: 20, value: "1@20" },
    ]);
    expect((await collect(store.backwardFetch("a", 0, 20))).map((e) => e.key)).toEqual([20, 10, 0]);
    expect(await store.fetch("a", 10)).toBe("1@10");
    expect(await store.fetch("a", 11)).toBeUndefined();
    expect((await collect(store.fetchAll(10, 10))).map((e) => [e.key.key.length, e.key.window])).toEqual([
      // In byte order: "a" + seven zero bytes sorts before "a" followed by the start 10.
      [8, { start: 10, end: 20 }],
      [1, { start: 10, end: 20 }],
      [1, { start: 10, end: 20 }],
    ]);
    await store.put("a", null, 10);
    expect(await store.fetch("a", 10)).toBeUndefined();
  });

  it("hides windows older than stream time - retention, drops writes to expired segments, and deletes them", async () => {
    const bytes = new InMemoryKeyValueBytesStore("w");
    const store = new TypedWindowStore(bytes, Serdes.string(), Serdes.long(), {
      windowSizeMs: 60_000,
      retentionMs: 120_000,
    });
    expect(store.segmentIntervalMs).toBe(60_000);
    await store.put("k", 1, 0);
    await store.put("k", 2, 60_000);
    await store.put("k", 3, 180_000);
    // Stream time 180 000, retention 120 000: windows from 60 001 on are live; segment 0 is deleted.
    expect(await store.fetch("k", 0)).toBeUndefined();
    expect(await store.fetch("k", 60_000)).toBeUndefined();
    expect(await collect(store.fetch("k", 0, 200_000))).toEqual([{ key: 180_000, value: 3 }]);
    expect(await bytes.approximateNumEntries()).toBe(2);
    await store.put("k", 9, 0);
    expect(await bytes.approximateNumEntries()).toBe(2);
    await store.put("k", 4, 240_000);
    expect(await bytes.approximateNumEntries()).toBe(2);
  });

  it("needs a retention at least the window size", () => {
    expect(
      () =>
        new TypedWindowStore(new InMemoryKeyValueBytesStore("w"), Serdes.string(), Serdes.long(), {
          windowSizeMs: 10,
          retentionMs: 5,
        }),
    ).toThrow(/retention >= its size/);
  });
});
