// Restoring a window or session store as Kafka Streams' segmented stores restore
// (AbstractRocksDBSegmentedBytesStore.restoreAllInternal): restored rows advance the
// store's stream time by their keys' times, rows into expired segments are skipped, the
// segments that expire are dropped, and a query over the committed state expires by the
// restored stream time. The task's writer starts from it, and its commits carry it on.
import { describe, expect, it } from "vitest";
import { Serdes } from "../../src/serdes/serdes.js";
import { InMemoryTaskStorage } from "../../src/stores/in-memory-task-storage.js";
import {
  dropExpiredRows,
  liveRestoredRows,
  minLiveSegmentOf,
  sessionRetention,
  windowRetention,
} from "../../src/stores/segmented-retention.js";
import { sessionStoreKey, TypedSessionStore } from "../../src/stores/session-store.js";
import { TaskOverlay } from "../../src/stores/task-overlay.js";
import { PUT_RETURN_CODE_NOT_PUT, TypedVersionedKeyValueStore } from "../../src/stores/versioned-key-value-store.js";
import { windowStoreKey } from "../../src/stores/window-key-schema.js";
import { TypedWindowStore } from "../../src/stores/window-store.js";

const MINUTE = 60_000;
const RETENTION = 2 * MINUTE; // segments of one minute

async function collect<T>(iterator: AsyncIterableIterator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterator) out.push(item);
  return out;
}

function windowRow(key: string, start: number, value: string) {
  return { key: windowStoreKey(Buffer.from(key), start), value: Buffer.from(value) };
}

describe("restoring a segmented store", () => {
  it("advances a window store's stream time, skips rows of expired segments and drops the segments that expire", async () => {
    const storage = new InMemoryTaskStorage("0_0");
    const retention = windowRetention(RETENTION);
    const clock = storage.streamTimes.of("w");
    // One minute per window, six minutes: more than the retention.
    const rows = [0, 1, 2, 3, 4, 5].map((m) => windowRow("a", m * MINUTE, `a${m}`));
    // A first batch up to minute 3 (minute 0 and 1 still live at that time), then the rest.
    await storage.restore("w", liveRestoredRows(rows.slice(0, 4), retention, clock), "w-changelog:0", 4);
    expect(clock.time).toBe(3 * MINUTE);
    expect(await dropExpiredRows(storage.store("w"), retention, clock)).toBe(1);
    // A late row of minute 0 arrives after stream time passed it: Kafka Streams skips it.
    const late = [windowRow("b", 0, "b0"), ...rows.slice(4)];
    await storage.restore("w", liveRestoredRows(late, retention, clock), "w-changelog:0", 7);
    expect(clock.time).toBe(5 * MINUTE);
    expect(minLiveSegmentOf(retention, clock.time)).toBe(3);
    expect(await dropExpiredRows(storage.store("w"), retention, clock)).toBe(2);
    // Once per segment: the same stream time scans nothing again.
    expect(await dropExpiredRows(storage.store("w"), retention, clock)).toBe(0);
    const kept = (await collect(storage.store("w").iterate({}))).map(([, value]) => value.toString());
    expect(kept).toEqual(["a3", "a4", "a5"]);

    // A query over the committed state expires by the restored stream time: minute 3 is
    // in a live segment, but older than stream time - retention.
    const query = new TypedWindowStore(storage.store("w"), Serdes.string(), Serdes.string(), {
      windowSizeMs: MINUTE,
      retentionMs: RETENTION,
      streamTime: storage.streamTimes.of("w"),
    });
    expect(await collect(query.fetch("a", 0, 10 * MINUTE))).toEqual([
      { key: 4 * MINUTE, value: "a4" },
      { key: 5 * MINUTE, value: "a5" },
    ]);
    expect(await query.fetch("a", 3 * MINUTE)).toBeUndefined();
    expect((await collect(query.fetchAll(0, 10 * MINUTE))).map((e) => e.key.window.start)).toEqual([
      4 * MINUTE,
      5 * MINUTE,
    ]);
  });

  it("expires a session store's rows by their sessions' ends", async () => {
    const storage = new InMemoryTaskStorage("0_0");
    const retention = sessionRetention(RETENTION);
    const clock = storage.streamTimes.of("s");
    const long = Serdes.long();
    const rows = [0, 1, 2, 3, 4, 5].map((m) => ({
      // Sessions of ten seconds that end at minute m.
      key: sessionStoreKey(Buffer.from("k"), m * MINUTE - 10_000 * (m > 0 ? 1 : 0), m * MINUTE),
      value: Buffer.from(long.serialize(m, { store: "s", part: "value" })),
    }));
    await storage.restore("s", liveRestoredRows(rows, retention, clock), "s-changelog:0", 6);
    await dropExpiredRows(storage.store("s"), retention, clock);
    expect(clock.time).toBe(5 * MINUTE);
    expect((await collect(storage.store("s").iterate({}))).length).toBe(3);
    const query = new TypedSessionStore(storage.store("s"), Serdes.string(), long, {
      retentionMs: RETENTION,
      streamTime: storage.streamTimes.of("s"),
    });
    expect((await collect(query.fetch("k"))).map((e) => e.value)).toEqual([4, 5]);
    expect(await query.fetchSession("k", 3 * MINUTE - 10_000, 3 * MINUTE)).toBeUndefined();
  });

  it("starts the task's writer at the restored stream time, and publishes the writer's at commit only", async () => {
    const storage = new InMemoryTaskStorage("0_0");
    const retention = windowRetention(RETENTION);
    const rows = [0, 5].map((m) => windowRow("a", m * MINUTE, `a${m}`));
    await storage.restore("w", liveRestoredRows(rows, retention, storage.streamTimes.of("w")), "w-changelog:0", 2);
    const open = (overlay: TaskOverlay) =>
      new TypedWindowStore(overlay.store("w"), Serdes.string(), Serdes.string(), {
        windowSizeMs: MINUTE,
        retentionMs: RETENTION,
        streamTime: overlay.streamTime("w"),
      });
    const overlay = new TaskOverlay(storage);
    const writer = open(overlay);
    expect(writer.observedStreamTime).toBe(5 * MINUTE);
    // A write into an expired segment is dropped, as it would have been before the restore.
    expect(await writer.put("b", "b1", MINUTE)).toBe(false);
    expect(await writer.put("b", "b9", 9 * MINUTE)).toBe(true);
    // Not committed: queries and the next writer still go by the committed stream time.
    expect(storage.streamTimes.get("w")).toBe(5 * MINUTE);
    overlay.discard();
    expect(open(new TaskOverlay(storage)).observedStreamTime).toBe(5 * MINUTE);

    const next = new TaskOverlay(storage);
    await open(next).put("b", "b8", 8 * MINUTE);
    await next.commit(new Map([["w-changelog:0", 3]]));
    expect(storage.streamTimes.get("w")).toBe(8 * MINUTE);
  });

  it("gives a versioned store the stream time its clock holds", async () => {
    const storage = new InMemoryTaskStorage("0_0");
    storage.streamTimes.of("v").time = 10 * MINUTE;
    const overlay = new TaskOverlay(storage);
    const store = new TypedVersionedKeyValueStore(
      overlay.store("v"),
      Serdes.string(),
      Serdes.string(),
      { historyRetentionMs: MINUTE, segmentIntervalMs: MINUTE },
      { streamTime: overlay.streamTime("v") },
    );
    expect(store.observedStreamTime).toBe(10 * MINUTE);
    // Older than the history: refused, as Kafka Streams refuses it.
    expect(await store.put("k", "old", 5 * MINUTE)).toBe(PUT_RETURN_CODE_NOT_PUT);
  });
});
