// A session store's writer (session-store.ts, caching-session-store.ts): its index of the
// store's sessions answers findSessions, fetchSession and findSessionsNow exactly as a scan
// of the store does (over the task's overlay, through commits, evictions and expiry, and
// once the index gave up); an expired segment's sessions are dropped without a changelog
// record, as Kafka Streams drops a segment; after a crash, a new writer over the committed
// state answers as the store holds it, and drops what expired there.
import { describe, expect, it } from "vitest";
import type { CacheContext } from "../../src/stores/cached-store.js";
import { CachingSessionStore } from "../../src/stores/caching-session-store.js";
import { InMemoryTaskStorage } from "../../src/stores/in-memory-task-storage.js";
import type { KeyValue, KeyValueBytesStore } from "../../src/stores/key-value-store.js";
import { RecordCache } from "../../src/stores/record-cache.js";
import { sessionEndOf, sessionStartOf, sessionStoreKey } from "../../src/stores/session-key-schema.js";
import { TypedSessionStore } from "../../src/stores/session-store.js";
import type { StreamTimeCell } from "../../src/stores/store-stream-time.js";
import { TaskOverlay } from "../../src/stores/task-overlay.js";
import type { Windowed } from "../../src/serdes/windowed.js";
import { Serdes } from "../../src/serdes/serdes.js";

const RETENTION = 120_000; // segments of a minute
const KEYS = ["a", "b", "ab", "é"];
const context: CacheContext<number> = { recordContext: () => 0, runInContext: (_context, work) => work() };

async function collect<T>(entries: AsyncIterableIterator<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const entry of entries) all.push(entry);
  return all;
}

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let namespaces = 0;
function writerOver(
  bytes: KeyValueBytesStore,
  clock: StreamTimeCell,
  options: { cached: boolean; cacheBytes?: number; maxIndexedRows?: number },
): TypedSessionStore<string, string> {
  const storeOptions = {
    retentionMs: RETENTION,
    streamTime: clock,
    ...(options.maxIndexedRows === undefined ? {} : { maxIndexedRows: options.maxIndexedRows }),
  };
  if (!options.cached) return new TypedSessionStore(bytes, Serdes.string(), Serdes.string(), storeOptions);
  const cache = new RecordCache(options.cacheBytes ?? 1 << 20);
  const store = new CachingSessionStore(bytes, Serdes.string(), Serdes.string(), storeOptions, {
    cache,
    namespace: `0_0-sessions${namespaces++}`,
    context,
  });
  store.setFlushListener(async () => undefined, true);
  return store;
}

const shown = (entries: readonly KeyValue<Windowed<string>, string>[]) =>
  entries.map(({ key, value }) => `${key.key}@${key.window.start}/${key.window.end}=${value}`);

/** Every read of the writer against the same read of a store that scans the same bytes (no index: it never writes). */
async function expectSameAnswers(
  writer: TypedSessionStore<string, string>,
  reader: TypedSessionStore<string, string>,
  next: () => number,
): Promise<void> {
  for (const key of KEYS) {
    const earliestEnd = Math.floor(next() * 400_000) - 20_000;
    const latestStart = earliestEnd + Math.floor(next() * 200_000);
    const scanned = shown(await collect(reader.findSessions(key, earliestEnd, latestStart)));
    expect(shown(await collect(writer.findSessions(key, earliestEnd, latestStart)))).toEqual(scanned);
    const now = writer.findSessionsNow(key, earliestEnd, latestStart);
    if (now !== undefined) expect(shown(now)).toEqual(scanned);
    expect(shown(await collect(writer.fetch(key)))).toEqual(shown(await collect(reader.fetch(key))));
    for (const line of scanned) {
      const [, start, end] = /@(-?\d+)\/(-?\d+)=/.exec(line)!;
      expect(await writer.fetchSession(key, Number(start), Number(end))).toBe(
        await reader.fetchSession(key, Number(start), Number(end)),
      );
    }
    expect(await writer.fetchSession(key, 1, 2)).toBe(await reader.fetchSession(key, 1, 2));
  }
  const closed = async (store: TypedSessionStore<string, string>) =>
    shown(await collect(store.findSessionsByEnd(0, 1e6)));
  expect(await closed(writer)).toEqual(await closed(reader));
}

/** Random puts, removes and commits, as an aggregation makes them: time mostly moving on, some late writes. */
async function exercise(options: { cached: boolean; cacheBytes?: number; maxIndexedRows?: number }, seed: number) {
  const next = random(seed);
  const overlay = new TaskOverlay(new InMemoryTaskStorage("0_0"));
  const bytes = overlay.store("sessions");
  const clock: StreamTimeCell = { time: -1, cleanedBelowSegment: 0 };
  const writer = writerOver(bytes, clock, options);
  const reader = new TypedSessionStore(bytes, Serdes.string(), Serdes.string(), {
    retentionMs: RETENTION,
    streamTime: clock,
  });
  let time = 0;
  let quick = 0;
  for (let step = 0; step < 300; step += 1) {
    time += Math.floor(next() * 3_000);
    const key = KEYS[Math.floor(next() * KEYS.length)]!;
    const start = time - Math.floor(next() * 30_000);
    const end = start + Math.floor(next() * 20_000);
    const existing = await collect(writer.findSessions(key, start - 10_000, end + 10_000));
    const session = { key, window: { start, end } };
    const value = `v${step}`;
    const remove = next() < 0.2 ? existing[0] : undefined;
    if (remove !== undefined) {
      const now = writer.putNow(remove.key, null);
      if (now === false) await writer.remove(remove.key);
      else if (now !== true) await now;
    } else {
      const now = writer.putNow(session, value);
      if (now === false) await writer.put(session, value);
      else {
        quick += 1;
        if (now !== true) await now;
      }
    }
    if (next() < 0.05) await overlay.commit();
    await expectSameAnswers(writer, reader, next);
  }
  return quick;
}

describe("a session store's writer", () => {
  it("answers from its index as a scan of the store does, cached or not, through commits and expiry", async () => {
    expect(await exercise({ cached: true }, 1)).toBeGreaterThan(200);
    expect(await exercise({ cached: false }, 2)).toBeGreaterThan(200);
    // A cache of a few entries: most sessions' values are read from the store beneath.
    await exercise({ cached: true, cacheBytes: 600 }, 3);
  });

  it("answers as a scan does once its index gave up, and writes through put() only", async () => {
    expect(await exercise({ cached: true, maxIndexedRows: 5 }, 4)).toBeLessThan(10);
  });

  it("drops an expired segment's sessions without a changelog record, and no read sees them", async () => {
    const overlay = new TaskOverlay(new InMemoryTaskStorage("0_0"));
    const bytes = overlay.store("sessions");
    const clock: StreamTimeCell = { time: -1, cleanedBelowSegment: 0 };
    const writer = writerOver(bytes, clock, { cached: true });
    await writer.put({ key: "a", window: { start: 0, end: 10_000 } }, "1");
    expect(writer.putNow({ key: "b", window: { start: 50_000, end: 70_000 } }, "2")).toBe(true);
    expect(writer.putNow({ key: "a", window: { start: 100_000, end: 100_000 } }, "3")).toBe(true);
    await overlay.commit();
    // Stream time 250 000: the segments before 120 000 expire (sessions kept by their end).
    expect(writer.putNow({ key: "c", window: { start: 250_000, end: 250_000 } }, "4")).toBe(true);
    const pending = [...bytes.pendingWrites()].map(([key, value]) => [
      key.subarray(0, key.length - 16).toString(),
      sessionStartOf(key),
      sessionEndOf(key),
      value?.toString() ?? null,
    ]);
    // The new session's put is logged; the expired ones' deletes are not.
    expect(pending).toEqual([["c", 250_000, 250_000, "4"]]);
    expect(bytes.droppedCount).toBe(3);
    expect(await collect(writer.fetch("a"))).toEqual([]);
    expect(await writer.fetchSession("b", 50_000, 70_000)).toBeUndefined();
    expect(shown(await collect(writer.findSessionsByEnd(0, 300_000)))).toEqual(["c@250000/250000=4"]);
    await overlay.commit();
    await overlay.dropsSettled();
    const left = await collect(overlay.storage.store("sessions").iterate({}));
    expect(left.map(([key]) => [sessionStartOf(key), sessionEndOf(key)])).toEqual([[250_000, 250_000]]);
  });

  it("forgets an expired session's cache entry: a clean one at once, a dirty one after the flush forwards it", async () => {
    const overlay = new TaskOverlay(new InMemoryTaskStorage("0_0"));
    const clock: StreamTimeCell = { time: -1, cleanedBelowSegment: 0 };
    const writer = writerOver(overlay.store("sessions"), clock, { cached: true }) as CachingSessionStore<
      string,
      string,
      number
    >;
    const flushed: string[] = [];
    writer.setFlushListener(async (entry) => void flushed.push(`${entry.key.key}=${entry.newValue}`), false);
    await writer.put({ key: "a", window: { start: 0, end: 0 } }, "1");
    await writer.flushCache();
    expect(writer.putNow({ key: "b", window: { start: 10_000, end: 10_000 } }, "2")).toBe(true);
    expect(writer.cachedSessions).toBe(2);
    // Stream time 200 000: both expire; "a" is clean and leaves, "b" waits for the flush.
    expect(writer.putNow({ key: "c", window: { start: 200_000, end: 200_000 } }, "3")).toBe(true);
    expect(writer.cachedSessions).toBe(2);
    await writer.flushCache();
    expect(flushed).toEqual(["a=1", "b=2", "c=3"]);
    expect(writer.cachedSessions).toBe(1);
    expect(shown(await collect(writer.fetch("c")))).toEqual(["c@200000/200000=3"]);
  });

  it("after a crash, a new writer answers as the committed store holds it and drops what expired there", async () => {
    const storage = new InMemoryTaskStorage("0_0");
    const first = new TaskOverlay(storage);
    const clock: StreamTimeCell = { time: -1, cleanedBelowSegment: 0 };
    const writer = writerOver(first.store("sessions"), clock, { cached: true });
    await writer.put({ key: "a", window: { start: 100_000, end: 110_000 } }, "1");
    expect(writer.putNow({ key: "b", window: { start: 120_000, end: 125_000 } }, "2")).toBe(true);
    await first.commit();
    // Uncommitted work, lost with the instance.
    expect(writer.putNow({ key: "a", window: { start: 100_000, end: 110_000 } }, null)).toBe(true);
    expect(writer.putNow({ key: "a", window: { start: 100_000, end: 130_000 } }, "3")).toBe(true);
    first.discard();
    // A row of an expired segment left behind (its drop had not been written when the instance died).
    await storage.store("sessions").write([[sessionStoreKey(Buffer.from("old"), 0, 5_000), Buffer.from("0")]]);

    const second = new TaskOverlay(storage);
    const bytes = second.store("sessions");
    const restarted: StreamTimeCell = { time: 185_000, cleanedBelowSegment: 0 };
    const next = writerOver(bytes, restarted, { cached: true });
    const reader = new TypedSessionStore(bytes, Serdes.string(), Serdes.string(), {
      retentionMs: RETENTION,
      streamTime: restarted,
    });
    // Before its first write the writer scans: the committed sessions, not the lost ones.
    expect(next.findSessionsNow("a", 0, 200_000)).toBeUndefined();
    expect(shown(await collect(next.fetch("a")))).toEqual(["a@100000/110000=1"]);
    // Its first write indexes the committed sessions and drops the expired row, unlogged.
    await next.put({ key: "c", window: { start: 186_000, end: 186_000 } }, "4");
    expect(bytes.droppedCount).toBe(1);
    expect([...bytes.pendingWrites()].map(([key]) => key.subarray(0, key.length - 16).toString())).toEqual(["c"]);
    expect(shown(next.findSessionsNow("a", 0, 200_000) ?? [])).toEqual([]);
    expect(next.findSessionsNow("b", 0, 200_000)).toBeUndefined();
    await expectSameAnswers(next, reader, random(5));
    expect(shown(await collect(next.fetch("b")))).toEqual(["b@120000/125000=2"]);
  });
});
