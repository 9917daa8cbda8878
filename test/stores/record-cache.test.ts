// The record cache's eviction order (Kafka Streams' NamedCache LRU): the least recently
// used entry goes first, over many evictions, with entries read or rewritten on the way
// moving to the back, and dirty entries flushed before their eviction.
import { describe, expect, it } from "vitest";
import { RecordCache, entrySize } from "../../src/stores/record-cache.js";
import type { CacheEntry } from "../../src/stores/record-cache.js";

const entry = (cacheKey: string, dirty = false): CacheEntry<string, undefined> => {
  const value = Buffer.from(cacheKey);
  return {
    cacheKey,
    key: cacheKey,
    value,
    dirty,
    old: undefined,
    context: undefined,
    size: entrySize(cacheKey, value, undefined),
  };
};

describe("RecordCache eviction", () => {
  it("evicts the least recently used entry first, over many evictions", async () => {
    const size = entry("k00000").size;
    const cache = new RecordCache(size * 100);
    const flushed: string[] = [];
    const named = cache.namespace<string, undefined>("0_0-store", async (entries) => {
      flushed.push(...entries.map((e) => e.key));
    });
    const model: string[] = [];
    const touch = (key: string) => {
      const at = model.indexOf(key);
      if (at >= 0) model.splice(at, 1);
      model.push(key);
    };
    for (let i = 0; i < 5_000; i += 1) {
      const key = `k${String(i).padStart(5, "0")}`;
      await named.put(entry(key));
      touch(key);
      while (model.length > 100) model.shift();
      // Read back an older entry now and then: it becomes the most recently used.
      if (i % 7 === 0 && model.length > 10) {
        const old = model[3]!;
        expect(named.get(old)?.key).toBe(old);
        touch(old);
      }
      // Rewrite another in place.
      if (i % 11 === 0 && model.length > 20) {
        const old = model[15]!;
        await named.put(entry(old));
        touch(old);
      }
    }
    expect(named.size).toBe(100);
    for (const key of model) expect(named.peek(key)?.key).toBe(key);
    expect(flushed).toEqual([]);
  });

  it("flushes the namespace's dirty entries when a dirty one is evicted", async () => {
    const size = entry("a").size;
    const cache = new RecordCache(size * 2);
    const flushed: string[][] = [];
    const named = cache.namespace<string, undefined>("0_0-store", async (entries) => {
      flushed.push(entries.map((e) => e.key));
    });
    await named.put(entry("a", true));
    await named.put(entry("b", true));
    const flushing = named.put(entry("c", true));
    // Evicting a dirty entry waits for its flush: the put hands back a promise.
    expect(flushing).toBeInstanceOf(Promise);
    await flushing;
    // The write that went over the budget is dirty too: the flush takes every dirty entry.
    expect(flushed).toEqual([["a", "b", "c"]]);
    expect(named.peek("a")).toBeUndefined();
    expect(named.peek("b")?.dirty).toBe(false);
    expect(named.dirtyCount).toBe(0);
    named.close();
    expect(cache.sizeBytes).toBe(0);
  });

  it("evicts clean entries at once: a full cache of clean entries costs a write no promise", () => {
    const size = entry("a").size;
    const cache = new RecordCache(size * 2);
    const named = cache.namespace<string, undefined>("0_0-store", async () => {
      throw new Error("nothing is dirty: nothing to flush");
    });
    for (const key of ["a", "b", "c", "d"]) expect(named.put(entry(key))).toBeUndefined();
    expect(named.size).toBe(2);
    expect(named.peek("a")).toBeUndefined();
    expect(named.peek("d")?.key).toBe("d");
  });
});

describe("NamedCache.rewrite", () => {
  it("changes an entry in place with put()'s order and sizes: least recently used, dirty in write order; removeClean() keeps dirty entries", async () => {
    const cache = new RecordCache(1 << 20);
    const flushes: string[][] = [];
    const named = cache.namespace<string, undefined>("0_0-store", async (entries) => {
      flushes.push(entries.map((e) => `${e.key}=${e.value?.toString()}`));
    });
    const lru: string[] = [];
    let dirty: string[] = [];
    const values = new Map<string, string>();
    const moveToEnd = (list: string[], key: string) => {
      const at = list.indexOf(key);
      if (at >= 0) list.splice(at, 1);
      list.push(key);
    };
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 3_000; i += 1) {
      const key = `k${random(12)}`;
      const op = random(12);
      if (op >= 10) {
        // A look-up (remembered until the keys change), or removeClean: gone unless dirty.
        if (op === 11 && !dirty.includes(key)) {
          named.removeClean(key);
          values.delete(key);
          if (lru.includes(key)) lru.splice(lru.indexOf(key), 1);
        } else if (op === 11) named.removeClean(key);
        expect(named.peek(key)?.value?.toString()).toBe(values.get(key));
      } else if (op < 3) {
        named.get(key);
        if (values.has(key)) moveToEnd(lru, key);
      } else if (op < 8) {
        const value = Buffer.from(`v${i}`);
        const makeDirty = op !== 7;
        const size = entrySize(key, value, undefined);
        const previous = named.get(key);
        if (previous === undefined) {
          const made = { cacheKey: key, key, value, dirty: makeDirty, old: undefined, context: undefined, size };
          await (i % 2 === 0 ? named.put(made) : named.add(made));
        } else {
          await named.rewrite(previous, key, value, makeDirty, undefined, undefined, size);
        }
        values.set(key, `v${i}`);
        moveToEnd(lru, key);
        if (makeDirty) moveToEnd(dirty, key);
        else dirty = dirty.filter((k) => k !== key);
      } else if (op < 9) {
        named.remove(key);
        values.delete(key);
        if (lru.includes(key)) lru.splice(lru.indexOf(key), 1);
        dirty = dirty.filter((k) => k !== key);
      } else {
        await named.flush();
        expect(flushes.pop() ?? []).toEqual(dirty.map((k) => `${k}=${values.get(k)}`));
        dirty = [];
      }
      expect(named.dirtyCount).toBe(dirty.length);
      expect(named.size).toBe(lru.length);
      let bytes = 0;
      for (const k of lru) bytes += entrySize(k, Buffer.from(values.get(k) as string), undefined);
      expect(named.sizeBytes).toBe(bytes);
    }
    // The order of eviction is the model's: shrink the budget to nothing, flushing on the way.
    const evicted: string[] = [];
    const tight = new RecordCache(entry("k00").size * 2);
    const small = tight.namespace<string, undefined>("0_1-store", async () => undefined);
    await small.put(entry("a"));
    await small.put(entry("b"));
    const a = small.get("a") as CacheEntry<string, undefined>;
    await small.rewrite(a, "a", Buffer.from("a"), false, undefined, undefined, a.size);
    await small.put(entry("c"));
    for (const k of ["a", "b", "c"]) if (small.peek(k) === undefined) evicted.push(k);
    expect(evicted).toEqual(["b"]);
    expect(() => small.rewrite(entry("a"), "a", null, false, undefined, undefined, 80)).toThrow(RangeError);
  });

  it("add() of a key held after all ends as put() would: one entry, the sizes and the dirty order kept right", async () => {
    const flushes: string[][] = [];
    const cache = new RecordCache(1 << 20);
    const named = cache.namespace<string, undefined>("0_0-store", async (entries) => {
      flushes.push(entries.map((e) => `${e.key}=${e.value?.toString()}`));
    });
    await named.add(entry("a", true));
    await named.add(entry("b", true));
    const bigger = { ...entry("a", true), value: Buffer.from("a-longer"), size: entry("a").size + 7 };
    await named.add(bigger);
    expect(named.size).toBe(2);
    expect(named.dirtyCount).toBe(2);
    expect(named.sizeBytes).toBe(entry("b").size + bigger.size);
    expect(cache.sizeBytes).toBe(named.sizeBytes);
    await named.flush();
    expect(flushes).toEqual([["b=b", "a=a-longer"]]);
  });
});
