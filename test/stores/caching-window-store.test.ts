// The record cache in front of a window store (Kafka Streams' CachingWindowStore): writes go
// through to the store beneath at once, and with a flush listener each window's updates are
// folded until the flush, which forwards the latest keyed by { key, window } with the value
// downstream saw before; a write into an expired segment is dropped and never forwarded.
import { describe, expect, it } from "vitest";
import type { CacheContext, FlushedEntry } from "../../src/stores/cached-store.js";
import { isCachedStore } from "../../src/stores/cached-store.js";
import { CachingWindowStore } from "../../src/stores/caching-window-store.js";
import { InMemoryKeyValueBytesStore } from "../../src/stores/in-memory-bytes-store.js";
import { RecordCache } from "../../src/stores/record-cache.js";
import type { Windowed } from "../../src/serdes/windowed.js";
import type { Serde } from "../../src/serdes/serde.js";
import { Serdes } from "../../src/serdes/serdes.js";

const longs = Serdes.long() as Serde<number>;
const contextOf = (offset: () => number): CacheContext<number> => ({
  recordContext: offset,
  runInContext: (_context, work) => work(),
});

let namespaces = 0;
function store(options: { cacheBytes?: number; offset?: () => number; retentionMs?: number } = {}) {
  const bytes = new InMemoryKeyValueBytesStore("windows");
  const windows = new CachingWindowStore(
    bytes,
    Serdes.string(),
    longs,
    { windowSizeMs: 10, retentionMs: options.retentionMs ?? 1_000 },
    {
      cache: new RecordCache(options.cacheBytes ?? 1 << 20),
      namespace: `0_0-w${namespaces++}`,
      context: contextOf(options.offset ?? (() => -1)),
    },
  );
  return { bytes, windows };
}

describe("CachingWindowStore", () => {
  it("folds a window's updates until the flush and forwards the latest with the value downstream saw", async () => {
    let offset = 0;
    const { windows } = store({ offset: () => offset });
    expect(isCachedStore(windows)).toBe(true);
    const flushed: FlushedEntry<Windowed<string>, number, number>[] = [];
    expect(
      windows.setFlushListener(async (entry) => {
        flushed.push(entry);
      }, true),
    ).toBe(true);
    await windows.put("a", 1, 0);
    offset = 1;
    await windows.put("a", 2, 0);
    await windows.put("b", 1, 10);
    // Written through at once: fetches see the latest.
    expect(await windows.fetch("a", 0)).toBe(2);
    expect(flushed).toEqual([]);
    await windows.flushCache();
    expect(flushed).toEqual([
      { key: { key: "a", window: { start: 0, end: 10 } }, newValue: 2, oldValue: null, context: 1 },
      { key: { key: "b", window: { start: 10, end: 20 } }, newValue: 1, oldValue: null, context: 1 },
    ]);
    flushed.length = 0;
    await windows.put("a", 3, 0);
    await windows.put("a", 4, 0);
    await windows.flushCache();
    expect(flushed.map((e) => [e.key.key, e.newValue, e.oldValue])).toEqual([["a", 4, 2]]);
    // Nothing dirty: nothing to forward.
    flushed.length = 0;
    await windows.flushCache();
    expect(flushed).toEqual([]);
  });

  it("reads the old value from the store beneath for a window not cached, and leaves it out without sendOldValues", async () => {
    const { bytes, windows } = store();
    const seeded = new CachingWindowStore(
      bytes,
      Serdes.string(),
      longs,
      { windowSizeMs: 10, retentionMs: 1_000 },
      {
        cache: new RecordCache(1 << 20),
        namespace: `0_0-w${namespaces++}`,
        context: contextOf(() => 0),
      },
    );
    await seeded.put("a", 7, 20);
    const withOld: unknown[] = [];
    windows.setFlushListener(async (e) => void withOld.push([e.newValue, e.oldValue]), true);
    await windows.put("a", 8, 20);
    await windows.flushCache();
    expect(withOld).toEqual([[8, 7]]);

    const { windows: plain } = store();
    const withoutOld: unknown[] = [];
    plain.setFlushListener(async (e) => void withoutOld.push([e.newValue, e.oldValue]), false);
    await plain.put("a", 1, 0);
    await plain.put("a", 2, 0);
    await plain.flushCache();
    expect(withoutOld).toEqual([[2, null]]);
  });

  it("drops a write into an expired segment without forwarding it; closing drops the dirty windows", async () => {
    const { windows } = store({ retentionMs: 100 });
    const flushed: unknown[] = [];
    windows.setFlushListener(async (e) => void flushed.push(e.key.window.start), true);
    await windows.put("a", 1, 500_000);
    await windows.flushCache();
    expect(flushed).toEqual([500_000]);
    // Far behind stream time: its segment is gone.
    await windows.put("a", 1, 0);
    expect(windows.accepts(0)).toBe(false);
    await windows.put("b", 2, 500_001);
    windows.closeCache();
    await windows.flushCache();
    expect(flushed).toEqual([500_000]);
    expect(await windows.fetch("a", 0)).toBeUndefined();
    expect(await windows.fetch("b", 500_001)).toBe(2);
  });

  it("without a listener writes through and forwards nothing; a small cache flushes when it evicts", async () => {
    const { windows } = store();
    await windows.put("a", 1, 0);
    expect(await windows.fetch("a", 0)).toBe(1);
    const { windows: tiny } = store({ cacheBytes: 200 });
    const flushed: unknown[] = [];
    tiny.setFlushListener(async (e) => void flushed.push(e.key.key), false);
    for (const key of ["a", "b", "c", "d"]) await tiny.put(key, 1, 0);
    // The entries do not all fit: evicting a dirty one flushed the namespace before the commit.
    expect(flushed.length).toBeGreaterThan(0);
  });
});
