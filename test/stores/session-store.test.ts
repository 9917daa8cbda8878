// The session store: Kafka Streams' SessionKeySchema layout (key, end, start), sessions
// found by end and start bounds, kept apart from keys that share a prefix, and expired
// by session end.
import { describe, expect, it } from "vitest";
import { InMemoryKeyValueBytesStore } from "../../src/stores/in-memory-bytes-store.js";
import { TypedSessionStore } from "../../src/stores/session-store.js";
import { Serdes } from "../../src/serdes/serdes.js";

async function collect<T>(iterator: AsyncIterableIterator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterator) out.push(item);
  return out;
}

describe("TypedSessionStore", () => {
  it("lays keys out as key bytes, 8-byte end, 8-byte start", async () => {
    const bytes = new InMemoryKeyValueBytesStore("s");
    const store = new TypedSessionStore(bytes, Serdes.string(), Serdes.long(), { retentionMs: 1_000 });
    await store.put({ key: "a", window: { start: 1, end: 2 } }, 5);
    const [entry] = await collect(bytes.iterate({}));
    expect(entry![0].toString("hex")).toBe("61" + "0000000000000002" + "0000000000000001");
  });

  it("finds a key's sessions that end at or after the earliest end and start at or before the latest start", async () => {
    const store = new TypedSessionStore(new InMemoryKeyValueBytesStore("s"), Serdes.string(), Serdes.long(), {
      retentionMs: 10_000,
    });
    await store.put({ key: "a", window: { start: 0, end: 10 } }, 1);
    await store.put({ key: "a", window: { start: 20, end: 30 } }, 2);
    await store.put({ key: "a", window: { start: 50, end: 60 } }, 3);
    await store.put({ key: "ab", window: { start: 20, end: 30 } }, 9);
    const found = async (earliestEnd: number, latestStart: number) =>
      (await collect(store.findSessions("a", earliestEnd, latestStart))).map((e) => e.value);
    expect(await found(10, 50)).toEqual([1, 2, 3]);
    expect(await found(11, 49)).toEqual([2]);
    expect((await collect(store.fetch("a"))).map((e) => e.key.window)).toEqual([
      { start: 0, end: 10 },
      { start: 20, end: 30 },
      { start: 50, end: 60 },
    ]);
    await store.remove({ key: "a", window: { start: 20, end: 30 } });
    expect(await found(0, 100)).toEqual([1, 3]);
    expect(await store.fetchSession("ab", 20, 30)).toBe(9);
  });

  it("hides and deletes sessions that ended before stream time - retention", async () => {
    const bytes = new InMemoryKeyValueBytesStore("s");
    const store = new TypedSessionStore(bytes, Serdes.string(), Serdes.long(), { retentionMs: 120_000 });
    await store.put({ key: "k", window: { start: 0, end: 10 } }, 1);
    await store.put({ key: "k", window: { start: 200_000, end: 200_000 } }, 2);
    expect((await collect(store.fetch("k"))).map((e) => e.value)).toEqual([2]);
    expect(await bytes.approximateNumEntries()).toBe(1);
  });
});
