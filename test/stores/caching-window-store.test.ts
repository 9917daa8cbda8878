// The record cache in front of a window store (Kafka Streams' CachingWindowStore): writes go
// through to the store beneath at once, and with a flush listener each window's updates are
// folded until the flush, which forwards the latest keyed by { key, window } with the value
// downstream saw before; a write into an expired segment is dropped and never forwarded.
import { describe, expect, it } from "vitest";
import type { CacheContext, FlushedEntry } from "../../src/stores/cached-store.js";
import { isCachedStore } from "../../src/stores/cached-store.js";
import { CachingWindowStore, WINDOW_NOT_CACHED } from "../../src/stores/caching-window-store.js";
import { InMemoryKeyValueBytesStore } from "../../src/stores/in-memory-bytes-store.js";
import { InMemoryTaskStorage } from "../../src/stores/in-memory-task-storage.js";
import { TaskOverlay } from "../../src/stores/task-overlay.js";
import { keyBytesOf, windowStartOf, windowStoreKey } from "../../src/stores/window-key-schema.js";
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

describe("CachingWindowStore reads (Kafka Streams' CachingWindowStore.fetch), its row index and its synchronous path", () => {
  const stored = (value: number): Buffer => longs.serialize(value, { store: "windows", part: "value" });

  it("answers a cached window, and a window the store cannot hold, without a read; else reads the store", async () => {
    const { bytes, windows } = store();
    // Rows an earlier owner (or a restore) left: the index learns them at the first write.
    await bytes.put(windowStoreKey(Buffer.from("old"), 10, 0), stored(5));
    // Before the first write the index is not built: only a read can tell.
    expect(windows.peek("new", 10)).toBe(WINDOW_NOT_CACHED);
    expect(await windows.fetch("old", 10)).toBe(5);
    await windows.put("a", 1, 20);
    expect(windows.peek("a", 20)).toBe(1);
    expect(windows.peek("new", 10)).toBeUndefined();
    expect(windows.peek("a", 30)).toBeUndefined();
    // Held, but never read or written here: the store answers.
    expect(windows.peek("old", 10)).toBe(WINDOW_NOT_CACHED);
    let reads = 0;
    const get = bytes.get.bind(bytes);
    bytes.get = (key) => {
      reads += 1;
      return get(key);
    };
    expect(await windows.fetch("old", 10)).toBe(5);
    expect(reads).toBe(1);
    expect(await windows.fetch("new", 10)).toBeUndefined();
    expect(await windows.fetch("a", 20)).toBe(1);
    expect(reads).toBe(1);
    // A delete is cached as absent and leaves the index.
    await windows.put("old", null, 10);
    expect(windows.peek("old", 10)).toBeUndefined();
    expect(await bytes.get(windowStoreKey(Buffer.from("old"), 10, 0))).toBeUndefined();
  });

  it("reads an evicted window from the store beneath, which holds every write", async () => {
    const { windows } = store({ cacheBytes: 400 });
    for (let start = 0; start < 100; start += 10) await windows.put("k", start, start);
    expect(windows.cachedWindows).toBeLessThan(10);
    expect(windows.peek("k", 0)).toBe(WINDOW_NOT_CACHED);
    expect(await windows.fetch("k", 0)).toBe(0);
    expect(windows.peek("k", 90)).toBe(90);
    const fetched: number[] = [];
    for await (const { value } of windows.fetch("k", 0, 100)) fetched.push(value);
    expect(fetched).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
  });

  it("writes without a promise over a task's overlay, and deletes an expired segment's windows by name", async () => {
    const overlay = new TaskOverlay(new InMemoryTaskStorage("0_0"));
    const bytes = overlay.store("windows");
    const windows = new CachingWindowStore(
      bytes,
      Serdes.string(),
      longs,
      { windowSizeMs: 60_000, retentionMs: 120_000 },
      { cache: new RecordCache(1 << 20), namespace: `0_0-w${namespaces++}`, context: contextOf(() => 0) },
    );
    const flushed: unknown[] = [];
    windows.setFlushListener(async (e) => void flushed.push([e.key.key, e.key.window.start, e.newValue]), false);
    // The first write builds the index (a scan): asynchronously.
    expect(windows.putNow("a", 1, 0)).toBe(false);
    expect(await windows.put("a", 1, 0)).toBe(true);
    expect(windows.putNow("b", 2, 60_000)).toBe(true);
    expect(windows.putNow("a", 3, 60_000)).toBe(true);
    expect(bytes.pendingCount).toBe(3);
    let scans = 0;
    const iterate = bytes.iterate.bind(bytes);
    bytes.iterate = (range) => {
      scans += 1;
      return iterate(range);
    };
    // Stream time 240 000: the segments before 120 000 expire; their rows go without a scan.
    expect(windows.putNow("c", 4, 240_000)).toBe(true);
    expect(scans).toBe(0);
    expect(await windows.fetch("a", 0)).toBeUndefined();
    expect(await windows.fetch("b", 60_000)).toBeUndefined();
    // Dropped as Kafka Streams drops a segment: deleted at the commit, without a changelog
    // record of their own (their puts, made in this transaction, are logged as Kafka Streams logs them).
    const keys = (writes: Iterable<[Buffer, Buffer | null]>): unknown[] =>
      [...writes].map(([key, value]) => [keyBytesOf(key).toString(), windowStartOf(key), value === null]);
    expect(keys(bytes.pendingWrites())).toEqual([
      ["a", 0, false],
      ["a", 60_000, false],
      ["b", 60_000, false],
      ["c", 240_000, false],
    ]);
    expect(bytes.droppedCount).toBe(3);
    await overlay.commit();
    expect(await bytes.get(windowStoreKey(Buffer.from("a"), 0, 0))).toBeUndefined();
    expect(await bytes.get(windowStoreKey(Buffer.from("b"), 60_000, 0))).toBeUndefined();
    expect(await bytes.get(windowStoreKey(Buffer.from("a"), 60_000, 0))).toBeUndefined();
    expect(await windows.fetch("c", 240_000)).toBe(4);
    // An expired window is neither written nor cached.
    expect(windows.putNow("d", 5, 0)).toBe(false);
    expect(await windows.put("d", 5, 0)).toBe(false);
    await windows.flushCache();
    expect(flushed).toEqual([
      ["a", 0, 1],
      ["b", 60_000, 2],
      ["a", 60_000, 3],
      ["c", 240_000, 4],
    ]);
  });

  it("forgets the clean windows of an expired segment; a dirty one stays until the flush forwards it", async () => {
    for (const overlaid of [true, false]) {
      const bytes = overlaid
        ? new TaskOverlay(new InMemoryTaskStorage("0_0")).store("windows")
        : new InMemoryKeyValueBytesStore("windows");
      const windows = new CachingWindowStore(
        bytes,
        Serdes.string(),
        longs,
        { windowSizeMs: 60_000, retentionMs: 120_000 },
        { cache: new RecordCache(1 << 20), namespace: `0_0-w${namespaces++}`, context: contextOf(() => 0) },
      );
      const flushed: unknown[] = [];
      windows.setFlushListener(async (e) => void flushed.push([e.key.key, e.key.window, e.newValue]), false);
      await windows.put("a", 1, 0);
      await windows.put("b", 2, 60_000);
      await windows.flushCache();
      flushed.length = 0;
      // Dirty when its segment expires: the flush must still forward it.
      await windows.put("a", 3, 60_000);
      expect(windows.cachedWindows).toBe(3);
      // Stream time 240 000: the segments before 120 000 expire, and their clean windows leave the cache.
      if (overlaid) expect(windows.putNow("c", 4, 240_000)).toBe(true);
      else expect(await windows.put("c", 4, 240_000)).toBe(true);
      expect(windows.cachedWindows).toBe(2);
      expect(windows.peek("a", 0)).toBeUndefined();
      expect(windows.peek("b", 60_000)).toBeUndefined();
      await windows.flushCache();
      expect(flushed).toEqual([
        ["a", { start: 60_000, end: 120_000 }, 3],
        ["c", { start: 240_000, end: 300_000 }, 4],
      ]);
    }
  });

  it("makes an expired window's cache entry over for a new window, which keeps only its own key and values", async () => {
    const overlay = new TaskOverlay(new InMemoryTaskStorage("0_0"));
    let offset = 0;
    const windows = new CachingWindowStore(
      overlay.store("windows"),
      Serdes.string(),
      longs,
      { windowSizeMs: 60_000, retentionMs: 120_000 },
      { cache: new RecordCache(1 << 20), namespace: `0_0-w${namespaces++}`, context: contextOf(() => offset) },
    );
    const flushed: unknown[] = [];
    windows.setFlushListener(
      async (e) => void flushed.push([e.key.key, e.key.window.start, e.newValue, e.oldValue, e.context]),
      true,
    );
    await windows.put("a", 1, 0);
    expect(windows.putNow("b", 2, 0)).toBe(true);
    await windows.flushCache();
    flushed.length = 0;
    // Stream time 240 000: a and b expire and leave the cache; c and d are cached in their entries.
    offset = 7;
    expect(windows.putNow("c", 3, 240_000)).toBe(true);
    offset = 8;
    expect(windows.putNow("d", 4, 240_000)).toBe(true);
    expect(windows.cachedWindows).toBe(2);
    expect([
      windows.peek("a", 0),
      windows.peek("b", 0),
      windows.peek("c", 240_000),
      windows.peek("d", 240_000),
    ]).toEqual([undefined, undefined, 3, 4]);
    offset = 9;
    expect(windows.putNow("c", 5, 240_000)).toBe(true);
    await windows.flushCache();
    expect(flushed).toEqual([
      ["d", 240_000, 4, null, 8],
      ["c", 240_000, 5, null, 9],
    ]);
  });

  it("after a window is deleted, a write of it again forwards the value downstream saw before the delete", async () => {
    const bytes = new TaskOverlay(new InMemoryTaskStorage("0_0")).store("windows");
    const windows = new CachingWindowStore(
      bytes,
      Serdes.string(),
      longs,
      { windowSizeMs: 60_000, retentionMs: 120_000 },
      { cache: new RecordCache(1 << 20), namespace: `0_0-w${namespaces++}`, context: contextOf(() => 0) },
    );
    const flushed: unknown[] = [];
    windows.setFlushListener(async (e) => void flushed.push([e.key.key, e.newValue, e.oldValue]), true);
    await windows.put("a", 1, 0);
    await windows.flushCache();
    expect(windows.putNow("a", null, 0)).toBe(true);
    // The row left the store and its index; the cache remembers the delete, and what downstream saw.
    expect(windows.peek("a", 0)).toBeUndefined();
    expect(windows.putNow("a", 2, 0)).toBe(true);
    expect(windows.peek("a", 0)).toBe(2);
    await windows.flushCache();
    expect(flushed).toEqual([
      ["a", 1, null],
      ["a", 2, 1],
    ]);
  });

  it("reads and scans as without an index once the index gave up", async () => {
    const bytes = new InMemoryKeyValueBytesStore("windows");
    const windows = new CachingWindowStore(
      bytes,
      Serdes.string(),
      longs,
      { windowSizeMs: 60_000, retentionMs: 120_000, maxIndexedRows: 2 },
      // A cache of one byte holds nothing: every answer comes from the index or the store.
      { cache: new RecordCache(1), namespace: `0_0-w${namespaces++}`, context: contextOf(() => 0) },
    );
    await windows.put("a", 1, 0);
    expect(windows.peek("zzz", 0)).toBeUndefined();
    for (const key of ["b", "c"]) await windows.put(key, 1, 0);
    expect(windows.cachedWindows).toBe(0);
    expect(windows.peek("zzz", 0)).toBe(WINDOW_NOT_CACHED);
    expect(await windows.fetch("zzz", 0)).toBeUndefined();
    await windows.put("d", 2, 240_000);
    const left: string[] = [];
    for await (const [key] of bytes.iterate({})) left.push(keyBytesOf(key).toString());
    expect(left).toEqual(["d"]);
  });
});
