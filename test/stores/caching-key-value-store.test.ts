// The record cache in front of a key-value store (Kafka Streams' CachingKeyValueStore
// over its ThreadCache): reads answered from memory, writes through to the store beneath,
// and, with a flush listener, each key's updates folded until the flush, which forwards
// the latest with the value downstream saw before, in the order keys were written.
import { describe, expect, it } from "vitest";
import type { CacheContext, FlushedEntry } from "../../src/stores/cached-store.js";
import { CachingKeyValueStore, NOT_CACHED } from "../../src/stores/caching-key-value-store.js";
import { InMemoryKeyValueBytesStore } from "../../src/stores/in-memory-bytes-store.js";
import { InMemoryTaskStorage } from "../../src/stores/in-memory-task-storage.js";
import type { KeyValueBytesStore } from "../../src/stores/key-value-store.js";
import { RecordCache } from "../../src/stores/record-cache.js";
import { TaskOverlay } from "../../src/stores/task-overlay.js";
import { TypedKeyValueStore } from "../../src/stores/typed-key-value-store.js";
import { valueAndTimestampSerde } from "../../src/stores/value-and-timestamp.js";
import type { ValueAndTimestamp } from "../../src/stores/value-and-timestamp.js";
import type { Serde } from "../../src/serdes/serde.js";
import { Serdes } from "../../src/serdes/serdes.js";
import { TaskRecordContext } from "../../src/engine/task-record-context.js";
import { RecordHeaders } from "../../src/topology/headers.js";
import type { RecordContext } from "../../src/topology/record.js";

/** A bytes store that counts the reads reaching it. */
class CountingStore extends InMemoryKeyValueBytesStore {
  reads = 0;
  override get(key: Buffer): Promise<Buffer | undefined> {
    this.reads += 1;
    return super.get(key);
  }
}

interface Account {
  balance: number;
}

/** A record context that is just the offset of the "record" being processed. */
function contextOf(offset: () => number): CacheContext<number> {
  return { recordContext: offset, runInContext: (_context, work) => work() };
}

let namespaces = 0;
function cached<K, V>(
  bytes: KeyValueBytesStore,
  keySerde: Serde<K>,
  valueSerde: Serde<V>,
  options: { cache?: RecordCache; forwarding?: boolean; offset?: () => number } = {},
): CachingKeyValueStore<K, V, number> {
  return new CachingKeyValueStore(bytes, keySerde, valueSerde, {
    cache: options.cache ?? new RecordCache(1 << 20),
    namespace: `0_0-s${namespaces++}`,
    context: contextOf(options.offset ?? (() => -1)),
    forwarding: options.forwarding ?? true,
  });
}

describe("CachingKeyValueStore: reads", () => {
  it("answers repeated reads of a key, present or absent, without reaching the store beneath", async () => {
    const bytes = new CountingStore("accounts");
    const store = cached(bytes, Serdes.string(), Serdes.json<Account>());
    expect(await store.get("a")).toBeUndefined();
    expect(await store.get("a")).toBeUndefined();
    expect(bytes.reads).toBe(1);
    await store.put("a", { balance: 10 });
    expect(await store.get("a")).toEqual({ balance: 10 });
    expect(bytes.reads).toBe(1);
    await bytes.put(Buffer.from("b"), Buffer.from(JSON.stringify({ balance: 5 })));
    expect(await store.get("b")).toEqual({ balance: 5 });
    expect(await store.get("b")).toEqual({ balance: 5 });
    expect(bytes.reads).toBe(2);
    expect(store.cachedKeys).toBe(2);
  });

  it("hands out a fresh object on every read, so a processor mutating one changes nothing", async () => {
    const store = cached(new InMemoryKeyValueBytesStore("s"), Serdes.string(), Serdes.json<Account>());
    await store.put("a", { balance: 1 });
    const first = (await store.get("a"))!;
    first.balance = 99;
    expect(await store.get("a")).toEqual({ balance: 1 });
  });

  it("follows deletes, putIfAbsent, putAll and null puts, writing each through at once", async () => {
    const bytes = new CountingStore("s");
    const store = cached(bytes, Serdes.string(), Serdes.json<Account>());
    await store.put("a", { balance: 1 });
    expect(await store.delete("a")).toEqual({ balance: 1 });
    expect(await store.get("a")).toBeUndefined();
    expect(await store.putIfAbsent("a", { balance: 2 })).toBeUndefined();
    expect(await store.putIfAbsent("a", { balance: 3 })).toEqual({ balance: 2 });
    await store.putAll([
      { key: "a", value: { balance: 4 } },
      { key: "b", value: { balance: 5 } },
    ]);
    expect(await store.get("a")).toEqual({ balance: 4 });
    expect(await store.get("b")).toEqual({ balance: 5 });
    expect(await bytes.get(Buffer.from("a"))).toEqual(Buffer.from('{"balance":4}'));
    await store.put("b", null as unknown as Account);
    expect(await store.get("b")).toBeUndefined();
    expect(await bytes.get(Buffer.from("b"))).toBeUndefined();
  });

  it("caches keys of any type by their bytes", async () => {
    const bytes = new CountingStore("s");
    const store = cached(bytes, Serdes.long(), Serdes.string());
    await store.put(7, "seven");
    expect(await store.get(7)).toBe("seven");
    expect(await store.get(7)).toBe("seven");
    expect(bytes.reads).toBe(0);
    expect(store.cachedKeys).toBe(1);
  });

  it("agrees with an uncached store over a long random sequence, through overlay commits, with a budget that overflows", async () => {
    const overlay = new TaskOverlay(new InMemoryTaskStorage("0_0"));
    const cache = new RecordCache(2_000);
    const store = cached(overlay.store("s"), Serdes.string(), Serdes.json<number>(), { cache, forwarding: false });
    const plain = new TypedKeyValueStore(new InMemoryKeyValueBytesStore("s"), Serdes.string(), Serdes.json<number>());
    let state = 42;
    const next = (n: number): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % n;
    };
    for (let i = 0; i < 5_000; i += 1) {
      const key = `k${next(60)}`;
      const op = next(10);
      if (op < 5) expect(await store.get(key)).toEqual(await plain.get(key));
      else if (op < 8) {
        await store.put(key, i);
        await plain.put(key, i);
      } else if (op < 9) expect(await store.delete(key)).toEqual(await plain.delete(key));
      else await overlay.commit();
      expect(cache.sizeBytes).toBeLessThanOrEqual(2_000);
    }
    const all = async (s: TypedKeyValueStore<string, number>) => {
      const out: Array<[string, number]> = [];
      for await (const { key, value } of s.all()) out.push([key, value]);
      return out;
    };
    expect(await all(store)).toEqual(await all(plain));
    expect(store.cachedKeys).toBeLessThan(60);
  });

  it("peeks at cached keys only, and writes through an overlay at once (putNow)", async () => {
    const overlay = new TaskOverlay(new InMemoryTaskStorage("0_0"));
    const store = cached(overlay.store("accounts"), Serdes.string(), Serdes.json<Account>());
    expect(store.peek("a")).toBe(NOT_CACHED);
    expect(await store.get("a")).toBeUndefined();
    expect(store.peek("a")).toBeUndefined();
    expect(store.putNow("a", { balance: 3 })).toBe(true);
    expect(store.peek("a")).toEqual({ balance: 3 });
    expect(await overlay.store("accounts").get(Buffer.from("a"))).toEqual(Buffer.from('{"balance":3}'));
    await overlay.commit(new Map());
    expect(await store.get("a")).toEqual({ balance: 3 });

    const direct = cached(new InMemoryKeyValueBytesStore("s"), Serdes.string(), Serdes.json<Account>());
    expect(direct.putNow("a", { balance: 1 })).toBe(false);
    expect(direct.peek("a")).toBe(NOT_CACHED);
  });

  it("hands out the value a shared putNow() gave to peekShared() only, until another write replaces it", async () => {
    const overlay = new TaskOverlay(new InMemoryTaskStorage("0_0"));
    const store = cached(overlay.store("accounts"), Serdes.string(), Serdes.json<Account>());
    expect(store.peekShared("a")).toBe(NOT_CACHED);
    await store.get("a");
    expect(store.peekShared("a")).toBeUndefined();
    const shared = { balance: 3 };
    expect(store.putNow("a", shared, true)).toBe(true);
    expect(store.peekShared("a")).toBe(shared);
    // Everyone else still gets an object of their own, decoded from the bytes.
    expect(store.peek("a")).not.toBe(shared);
    expect(await store.get("a")).toEqual({ balance: 3 });
    expect(store.putNow("a", { balance: 4 })).toBe(true);
    expect(store.peekShared("a")).toEqual({ balance: 4 });
    expect(store.putNow("a", { balance: 5 }, true)).toBe(true);
    await store.put("a", { balance: 6 });
    expect(store.peekShared("a")).toEqual({ balance: 6 });
    expect(store.putNow("b", { balance: 1 }, true)).toBe(true);
    await store.delete("b");
    expect(store.peekShared("b")).toBeUndefined();
    // A flush leaves the value, and what it decodes to, as they were.
    const kept = { balance: 7 };
    store.putNow("a", kept, true);
    await store.flushCache();
    expect(store.peekShared("a")).toBe(kept);
  });
});

describe("CachingKeyValueStore: count()'s values written over in place", () => {
  const count = (value: number, timestamp: number): ValueAndTimestamp<number> => ({ value, timestamp });
  const decoded = (bytes: Buffer | null | undefined): string =>
    bytes === null || bytes === undefined ? String(bytes) : `${bytes.readBigInt64BE(8)}@${bytes.readBigInt64BE(0)}`;

  it("never changes bytes a flush, a read, the changelog, a seal or a commit was handed", async () => {
    const storage = new InMemoryTaskStorage("0_0");
    const overlay = new TaskOverlay(storage);
    const bytes = overlay.store("counts");
    const serde = valueAndTimestampSerde(Serdes.long());
    const store = cached(bytes, Serdes.string(), serde);
    const flushed: string[] = [];
    store.setFlushListener(async (entry) => {
      flushed.push(`${entry.key}:${entry.newValue?.value}<-${entry.oldValue?.value}`);
    }, true);
    await store.get("a");
    const key = Buffer.from("a");
    expect(store.putNow("a", count(1, 10), true)).toBe(true);
    expect(store.putNow("a", count(2, 11), true)).toBe(true);
    // A read of the store beneath hands the bytes out: the next write makes new ones.
    const read = await bytes.get(key);
    expect(store.putNow("a", count(3, 12), true)).toBe(true);
    expect(store.putNow("a", count(4, 13), true)).toBe(true);
    expect(decoded(read)).toBe("2@11");
    expect(decoded(await bytes.get(key))).toBe("4@13");
    // The flush: what downstream sees as the old value next time is what it saw now.
    await store.flushCache();
    expect(store.putNow("a", count(5, 14), true)).toBe(true);
    expect(store.putNow("a", count(6, 15), true)).toBe(true);
    await store.flushCache();
    expect(flushed).toEqual(["a:4<-undefined", "a:6<-4"]);
    // The changelog's records and the sealed commit keep the values of their time.
    expect(store.putNow("a", count(7, 16), true)).toBe(true);
    const logged: (Buffer | null)[] = [];
    bytes.forEachPending((_key, value) => logged.push(value));
    expect(store.putNow("a", count(8, 17), true)).toBe(true);
    const sealed = overlay.seal();
    expect(store.putNow("a", count(9, 18), true)).toBe(true);
    expect(store.putNow("a", count(10, 19), true)).toBe(true);
    expect(logged.map(decoded)).toEqual(["7@16"]);
    expect((sealed.writes.get("counts") ?? []).map(([, value]) => decoded(value))).toEqual(["8@17"]);
    await overlay.commitSealed(sealed);
    expect(decoded(await storage.store("counts").get(key))).toBe("8@17");
    // A commit hands the pending writes to the store: they stay as committed.
    await overlay.commit();
    expect(store.putNow("a", count(11, 20), true)).toBe(true);
    expect(store.putNow("a", count(12, 21), true)).toBe(true);
    expect(decoded(await storage.store("counts").get(key))).toBe("10@19");
    expect(decoded(await bytes.get(key))).toBe("12@21");
    expect(store.peek("a")).toEqual(count(12, 21));
  });
});

describe("CachingKeyValueStore: the record cache", () => {
  function recording(sendOldValues: boolean, options: { cache?: RecordCache } = {}) {
    let offset = 0;
    const bytes = new InMemoryKeyValueBytesStore("s");
    const store = cached(bytes, Serdes.string(), Serdes.string(), { ...options, offset: () => offset });
    const flushed: FlushedEntry<string, string, number>[] = [];
    expect(
      store.setFlushListener(async (entry) => {
        flushed.push(entry);
      }, sendOldValues),
    ).toBe(true);
    return { store, bytes, flushed, at: (next: number) => (offset = next) };
  }

  it("folds a key's updates until the flush, which forwards the latest with the old value, in write order", async () => {
    const { store, bytes, flushed, at } = recording(true);
    await bytes.put(Buffer.from("b"), Buffer.from("b0"));
    at(1);
    await store.put("a", "a1");
    at(2);
    await store.put("b", "b1");
    at(3);
    await store.put("a", "a2");
    expect(flushed).toEqual([]);
    // Written through: the store beneath has every write already.
    expect((await bytes.get(Buffer.from("a")))?.toString()).toBe("a2");
    await store.flushCache();
    expect(flushed).toEqual([
      { key: "b", newValue: "b1", oldValue: "b0", context: 2 },
      { key: "a", newValue: "a2", oldValue: null, context: 3 },
    ]);
    // Flushed entries are clean: nothing to forward until they change again.
    await store.flushCache();
    expect(flushed).toHaveLength(2);
    at(4);
    await store.put("a", "a3");
    await store.flushCache();
    expect(flushed[2]).toEqual({ key: "a", newValue: "a3", oldValue: "a2", context: 4 });
  });

  it("flushes each key with the context of its last write, and a context once flushed never changes", async () => {
    const task = new TaskRecordContext();
    const overlay = new TaskOverlay(new InMemoryTaskStorage("0_0"));
    const store = new CachingKeyValueStore(overlay.store("s"), Serdes.string(), Serdes.string(), {
      cache: new RecordCache(1 << 20),
      namespace: `0_0-s${namespaces++}`,
      context: {
        recordContext: (reuse?: RecordContext) => task.recordContext(reuse),
        runInContext: (context, work) => task.runInRecordContext(context, work),
      },
      forwarding: true,
    });
    const flushed: FlushedEntry<string, string, RecordContext>[] = [];
    store.setFlushListener(async (entry) => {
      flushed.push(entry);
    }, false);
    const write = (offset: number, value: string): boolean => {
      task.metadata = { topic: "in", partition: 0, offset };
      task.current = { key: "k", value, timestamp: 1000 + offset, headers: new RecordHeaders([["at", `${offset}`]]) };
      return store.putNow("k", value);
    };
    expect([write(1, "v1"), write(2, "v2")]).toEqual([true, true]);
    await store.flushCache();
    expect([write(3, "v3"), write(4, "v4")]).toEqual([true, true]);
    await store.flushCache();
    expect(
      flushed.map((f) => [
        f.newValue,
        f.context.offset,
        f.context.timestamp,
        f.context.headers.lastHeader("at")?.value?.toString(),
      ]),
    ).toEqual([
      ["v2", 2, 1002, "2"],
      ["v4", 4, 1004, "4"],
    ]);
    expect(flushed[0]?.context).not.toBe(flushed[1]?.context);
  });

  it("forwards a delete only where downstream saw a row, and old values only when asked for", async () => {
    const { store, flushed } = recording(false);
    await store.delete("never");
    await store.put("x", "1");
    await store.flushCache();
    await store.delete("x");
    await store.flushCache();
    expect(flushed.map(({ key, newValue, oldValue }) => [key, newValue, oldValue])).toEqual([
      ["x", "1", null],
      ["x", null, null],
    ]);
  });

  it("a key written and deleted between two flushes forwards nothing", async () => {
    const { store, flushed } = recording(true);
    await store.put("x", "1");
    await store.delete("x");
    await store.flushCache();
    expect(flushed).toEqual([]);
  });

  it("evicting a dirty key to make room flushes the namespace first, the evicted key leading", async () => {
    const cache = new RecordCache(450);
    const { store, flushed } = recording(true, { cache });
    for (const key of ["k1", "k2", "k3", "k4", "k5", "k6"]) await store.put(key, "v");
    // Each entry costs 85 bytes: the sixth did not fit, and the eldest (k1) was evicted.
    expect(flushed.map((entry) => entry.key)).toEqual(["k1", "k2", "k3", "k4", "k5", "k6"]);
    expect(cache.sizeBytes).toBeLessThanOrEqual(450);
    expect(store.cachedKeys).toBe(5);
  });

  it("declines the flush listener when the store is not cached, so the processor forwards", () => {
    const store = cached(new InMemoryKeyValueBytesStore("s"), Serdes.string(), Serdes.string(), { forwarding: false });
    expect(store.setFlushListener(async () => undefined, false)).toBe(false);
  });

  it("drops unflushed updates when the cache is closed (an aborted transaction)", async () => {
    const cache = new RecordCache(1 << 20);
    const { store, flushed } = recording(true, { cache });
    await store.put("x", "1");
    expect(cache.entries).toBe(1);
    store.closeCache();
    expect(cache.sizeBytes).toBe(0);
    expect(flushed).toEqual([]);
  });
});
