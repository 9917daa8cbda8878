// The record cache in front of a session store (Kafka Streams' CachingSessionStore), ports of
// CachingPersistentSessionStoreTest's flush cases: writes go through to the store beneath at
// once, and each session's updates fold until the flush, which forwards the latest with the
// value downstream saw (when old values are asked for); a session made and removed between
// two flushes is never forwarded; without a listener the cache only answers reads.
import { describe, expect, it } from "vitest";
import type { CacheContext, FlushedEntry } from "../../src/stores/cached-store.js";
import { isCachedStore } from "../../src/stores/cached-store.js";
import { CachingSessionStore } from "../../src/stores/caching-session-store.js";
import { sessionStoreKey } from "../../src/stores/session-store.js";
import { InMemoryKeyValueBytesStore } from "../../src/stores/in-memory-bytes-store.js";
import { RecordCache } from "../../src/stores/record-cache.js";
import type { Windowed } from "../../src/serdes/windowed.js";
import { Serdes } from "../../src/serdes/serdes.js";

const contextOf = (offset: () => number): CacheContext<number> => ({
  recordContext: offset,
  runInContext: (_context, work) => work(),
});

let namespaces = 0;
function store(options: { cacheBytes?: number; offset?: () => number } = {}) {
  const bytes = new InMemoryKeyValueBytesStore("sessions");
  const cache = new RecordCache(options.cacheBytes ?? 1 << 20);
  const sessions = new CachingSessionStore(
    bytes,
    Serdes.string(),
    Serdes.string(),
    { retentionMs: 1_000_000 },
    { cache, namespace: `0_0-s${namespaces++}`, context: contextOf(options.offset ?? (() => 0)) },
  );
  return { bytes, sessions, cache };
}

const session = (key: string, start: number, end: number): Windowed<string> => ({ key, window: { start, end } });

function listen(sessions: CachingSessionStore<string, string, number>, sendOldValues: boolean) {
  const flushed: [Windowed<string>, string | null, string | null][] = [];
  expect(
    sessions.setFlushListener(async (entry: FlushedEntry<Windowed<string>, string, number>) => {
      flushed.push([entry.key, entry.newValue, entry.oldValue]);
    }, sendOldValues),
  ).toBe(true);
  return flushed;
}

describe("CachingSessionStore (CachingPersistentSessionStoreTest)", () => {
  it("shouldForwardChangedValuesDuringFlush", async () => {
    const { sessions } = store();
    expect(isCachedStore(sessions)).toBe(true);
    const flushed = listen(sessions, true);
    const a = session("a", 2, 4);
    const b = session("a", 1, 2);
    await sessions.put(b, "1");
    await sessions.flushCache();
    expect(flushed.splice(0)).toEqual([[b, "1", null]]);
    await sessions.put(a, "1");
    await sessions.flushCache();
    expect(flushed.splice(0)).toEqual([[a, "1", null]]);
    await sessions.put(a, "2");
    await sessions.flushCache();
    expect(flushed.splice(0)).toEqual([[a, "2", "1"]]);
    await sessions.remove(a);
    await sessions.flushCache();
    expect(flushed.splice(0)).toEqual([[a, null, "2"]]);
    await sessions.put(a, "1");
    await sessions.put(a, "2");
    await sessions.remove(a);
    await sessions.flushCache();
    expect(flushed.splice(0)).toEqual([]);
  });

  it("shouldNotForwardChangedValuesDuringFlushWhenSendOldValuesDisabled", async () => {
    const { sessions } = store();
    const flushed = listen(sessions, false);
    const a = session("a", 0, 0);
    await sessions.put(a, "1");
    await sessions.flushCache();
    await sessions.put(a, "2");
    await sessions.flushCache();
    await sessions.remove(a);
    await sessions.flushCache();
    expect(flushed.splice(0)).toEqual([
      [a, "1", null],
      [a, "2", null],
      [a, null, null],
    ]);
    await sessions.put(a, "1");
    await sessions.put(a, "2");
    await sessions.remove(a);
    await sessions.flushCache();
    expect(flushed.splice(0)).toEqual([]);
  });

  it("writes through: finds, fetches and the store beneath see every write before the flush", async () => {
    const { bytes, sessions } = store();
    listen(sessions, false);
    await sessions.put(session("a", 0, 0), "1");
    await sessions.put(session("a", 0, 10), "2");
    await sessions.remove(session("a", 0, 0));
    const found: [Windowed<string>, string][] = [];
    for await (const { key, value } of sessions.findSessions("a", 0, 10)) found.push([key, value]);
    expect(found).toEqual([[session("a", 0, 10), "2"]]);
    expect(await sessions.fetchSession("a", 0, 10)).toBe("2");
    let rows = 0;
    for await (const _row of bytes.iterate({})) rows += 1;
    expect(rows).toBe(1);
  });

  it("shouldFlushItemsToStoreOnEviction: an eviction forwards the namespace's dirty sessions", async () => {
    const { sessions } = store({ cacheBytes: 600 });
    const flushed = listen(sessions, false);
    for (let i = 0; i < 20; i += 1) await sessions.put(session(`k${i}`, i, i), String(i));
    expect(flushed.length).toBeGreaterThan(0);
    expect(flushed[0]).toEqual([session("k0", 0, 0), "0", null]);
  });

  it("without a flush listener, writes go straight to the store, are cached clean, and nothing is forwarded", async () => {
    const { sessions, cache, bytes } = store();
    await sessions.put(session("a", 0, 0), "1");
    expect(cache.entries).toBe(1);
    expect(sessions.cachedSessions).toBe(1);
    expect((await bytes.get(sessionStoreKey(Buffer.from("a"), 0, 0)))?.toString()).toBe("1");
    expect(await sessions.fetchSession("a", 0, 0)).toBe("1");
    await sessions.flushCache();
    sessions.closeCache();
    expect(cache.entries).toBe(0);
  });

  it("lists every key's sessions by end, start, then key bytes (the order emit on window close reads)", async () => {
    const { sessions } = store();
    await sessions.put(session("b", 0, 5), "b05");
    await sessions.put(session("a", 3, 5), "a35");
    await sessions.put(session("a", 0, 5), "a05");
    await sessions.put(session("c", 1, 2), "c12");
    await sessions.put(session("a", 7, 9), "a79");
    const found: string[] = [];
    for await (const { value } of sessions.findSessionsByEnd(2, 5)) found.push(value);
    expect(found).toEqual(["c12", "a05", "b05", "a35"]);
  });
});
