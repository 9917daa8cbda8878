// Ports of Kafka Streams' RocksDBVersionedStoreTest, through the store's API: put's
// return codes (validTo, VALID_TO_UNDEFINED, NOT_PUT), get(key) and get(key, asOf) with
// validTo, deletes, history retention (expired puts and reads, the latest version never
// expiring), and restoring from the changelog records the store's writes produce.
import { describe, expect, it } from "vitest";
import { Serdes } from "../../src/serdes/serdes.js";
import { InMemoryKeyValueBytesStore } from "../../src/stores/in-memory-bytes-store.js";
import {
  PUT_RETURN_CODE_NOT_PUT,
  PUT_RETURN_CODE_VALID_TO_UNDEFINED,
  TypedVersionedKeyValueStore,
} from "../../src/stores/versioned-key-value-store.js";
import type { VersionedRecord } from "../../src/stores/versioned-key-value-store.js";
import { changelogFormat } from "../../src/stores/changelog-format.js";
import {
  defaultVersionedSegmentInterval,
  parseVersionRowKey,
  versionedChangelogCompactionLagMs,
  versionRowKey,
} from "../../src/stores/versioned-key-schema.js";

const HISTORY_RETENTION = 300_000;
const SEGMENT_INTERVAL = HISTORY_RETENTION / 3;
const BASE_TIMESTAMP = 10;
const GRACE_PERIOD = HISTORY_RETENTION;
const UNDEFINED = PUT_RETURN_CODE_VALID_TO_UNDEFINED;
const S = SEGMENT_INTERVAL;

function newStore(historyRetentionMs = HISTORY_RETENTION, bytes = new InMemoryKeyValueBytesStore("versioned")) {
  return new TypedVersionedKeyValueStore<string, string>(bytes, Serdes.string(), Serdes.string(), {
    historyRetentionMs,
    segmentIntervalMs: SEGMENT_INTERVAL,
  });
}

type Store = TypedVersionedKeyValueStore<string, string>;

async function putToStore(store: Store, key: string, value: string | null, timestamp: number, validTo: number) {
  expect(await store.put(key, value, timestamp)).toBe(validTo);
}

async function verifyGet(store: Store, key: string, value: string, timestamp: number) {
  expect(await store.get(key)).toEqual({ value, timestamp });
}

async function verifyAsOf(store: Store, key: string, asOf: number, value: string, timestamp: number, validTo: number) {
  const expected: VersionedRecord<string> =
    validTo === UNDEFINED ? { value, timestamp } : { value, timestamp, validTo };
  expect(await store.get(key, asOf)).toEqual(expected);
}

async function verifyAsOfNull(store: Store, key: string, asOf: number) {
  expect(await store.get(key, asOf)).toBeNull();
}

describe("RocksDBVersionedStoreTest (through the store API)", () => {
  it("shouldPutLatest", async () => {
    const store = newStore();
    await putToStore(store, "k", "v", BASE_TIMESTAMP, UNDEFINED);
    await putToStore(store, "k", "v2", BASE_TIMESTAMP + 1, UNDEFINED);
    await verifyGet(store, "k", "v2", BASE_TIMESTAMP + 1);
    await verifyAsOf(store, "k", BASE_TIMESTAMP, "v", BASE_TIMESTAMP, BASE_TIMESTAMP + 1);
    await verifyAsOf(store, "k", BASE_TIMESTAMP + 1, "v2", BASE_TIMESTAMP + 1, UNDEFINED);
    await verifyAsOf(store, "k", BASE_TIMESTAMP + 2, "v2", BASE_TIMESTAMP + 1, UNDEFINED);
  });

  it("shouldPutNullAsLatest", async () => {
    const store = newStore();
    await putToStore(store, "k", null, BASE_TIMESTAMP, UNDEFINED);
    await putToStore(store, "k", null, BASE_TIMESTAMP + 1, UNDEFINED);
    expect(await store.get("k")).toBeNull();
    for (const asOf of [BASE_TIMESTAMP, BASE_TIMESTAMP + 1, BASE_TIMESTAMP + 2]) await verifyAsOfNull(store, "k", asOf);
  });

  it.each([
    ["shouldPutOlderWithNonNullLatest", "v"],
    ["shouldPutOlderWithNullLatest", null],
  ] as const)("%s", async (_name, latest) => {
    const store = newStore();
    await putToStore(store, "k", latest, BASE_TIMESTAMP, UNDEFINED);
    await putToStore(store, "k", "v2", BASE_TIMESTAMP - 2, BASE_TIMESTAMP);
    await putToStore(store, "k", "v1", BASE_TIMESTAMP - 1, BASE_TIMESTAMP);
    await putToStore(store, "k", "v4", BASE_TIMESTAMP - 4, BASE_TIMESTAMP - 2);
    if (latest === null) {
      expect(await store.get("k")).toBeNull();
      await verifyAsOfNull(store, "k", BASE_TIMESTAMP);
    } else {
      await verifyGet(store, "k", "v", BASE_TIMESTAMP);
      await verifyAsOf(store, "k", BASE_TIMESTAMP, "v", BASE_TIMESTAMP, UNDEFINED);
    }
    await verifyAsOf(store, "k", BASE_TIMESTAMP - 1, "v1", BASE_TIMESTAMP - 1, BASE_TIMESTAMP);
    await verifyAsOf(store, "k", BASE_TIMESTAMP - 2, "v2", BASE_TIMESTAMP - 2, BASE_TIMESTAMP - 1);
    await verifyAsOf(store, "k", BASE_TIMESTAMP - 3, "v4", BASE_TIMESTAMP - 4, BASE_TIMESTAMP - 2);
  });

  it("shouldPutOlderNullWithNonNullLatest", async () => {
    const store = newStore();
    await putToStore(store, "k", "v", BASE_TIMESTAMP, UNDEFINED);
    await putToStore(store, "k", null, BASE_TIMESTAMP - 2, BASE_TIMESTAMP);
    await putToStore(store, "k", null, BASE_TIMESTAMP - 1, BASE_TIMESTAMP);
    await putToStore(store, "k", null, BASE_TIMESTAMP - 4, BASE_TIMESTAMP - 2);
    await putToStore(store, "k", "v5", BASE_TIMESTAMP - 5, BASE_TIMESTAMP - 4);
    await putToStore(store, "k", "v3", BASE_TIMESTAMP - 3, BASE_TIMESTAMP - 2);
    await putToStore(store, "k", null, BASE_TIMESTAMP - 6, BASE_TIMESTAMP - 5);
    await verifyGet(store, "k", "v", BASE_TIMESTAMP);
    await verifyAsOf(store, "k", BASE_TIMESTAMP, "v", BASE_TIMESTAMP, UNDEFINED);
    await verifyAsOfNull(store, "k", BASE_TIMESTAMP - 1);
    await verifyAsOfNull(store, "k", BASE_TIMESTAMP - 2);
    await verifyAsOf(store, "k", BASE_TIMESTAMP - 3, "v3", BASE_TIMESTAMP - 3, BASE_TIMESTAMP - 2);
    await verifyAsOfNull(store, "k", BASE_TIMESTAMP - 4);
    await verifyAsOf(store, "k", BASE_TIMESTAMP - 5, "v5", BASE_TIMESTAMP - 5, BASE_TIMESTAMP - 4);
    await verifyAsOfNull(store, "k", BASE_TIMESTAMP - 6);
  });

  it("shouldPutRepeatTimestampAsLatest", async () => {
    const store = newStore();
    await putToStore(store, "k", "to_be_replaced", BASE_TIMESTAMP, UNDEFINED);
    await putToStore(store, "k", "b", BASE_TIMESTAMP, UNDEFINED);
    await verifyGet(store, "k", "b", BASE_TIMESTAMP);
    await verifyAsOf(store, "k", BASE_TIMESTAMP, "b", BASE_TIMESTAMP, UNDEFINED);
    await verifyAsOfNull(store, "k", BASE_TIMESTAMP - 1);
    await putToStore(store, "k", null, BASE_TIMESTAMP, UNDEFINED);
    expect(await store.get("k")).toBeNull();
    await verifyAsOfNull(store, "k", BASE_TIMESTAMP);
    await putToStore(store, "k", "b", BASE_TIMESTAMP, UNDEFINED);
    await verifyGet(store, "k", "b", BASE_TIMESTAMP);
  });

  /** The puts of shouldPutRepeatTimestamps, as (value, timestamp, expected validTo). */
  const REPEATS: [string | null, number, number][] = [
    ["to_be_replaced", S + 20, UNDEFINED],
    [null, S - 10, S + 20],
    ["to_be_replaced", S - 10, S + 20],
    [null, S - 10, S + 20],
    ["to_be_replaced", S - 1, S + 20],
    ["to_be_replaced", S + 1, S + 20],
    [null, S - 1, S + 1],
    [null, S + 1, S + 20],
    [null, S + 10, S + 20],
    [null, S + 5, S + 10],
    ["vp5", S + 5, S + 10],
    ["to_be_replaced", S - 5, S - 1],
    ["vn5", S - 5, S - 1],
    [null, S + 20, UNDEFINED],
    [null, S + 20, UNDEFINED],
    ["vn6", S - 6, S - 5],
  ];

  async function verifyRepeats(store: Store) {
    expect(await store.get("k")).toBeNull();
    await verifyAsOfNull(store, "k", S + 30);
    await verifyAsOfNull(store, "k", S + 15);
    await verifyAsOf(store, "k", S + 6, "vp5", S + 5, S + 10);
    await verifyAsOfNull(store, "k", S + 2);
    await verifyAsOfNull(store, "k", S);
    await verifyAsOfNull(store, "k", S - 1);
    await verifyAsOf(store, "k", S - 5, "vn5", S - 5, S - 1);
    await verifyAsOf(store, "k", S - 6, "vn6", S - 6, S - 5);
    await verifyAsOfNull(store, "k", S - 8);
  }

  it("shouldPutRepeatTimestamps", async () => {
    const store = newStore();
    for (const [value, timestamp, validTo] of REPEATS) await putToStore(store, "k", value, timestamp, validTo);
    await verifyRepeats(store);
  });

  it("shouldMoveRecordToOlderSegmentDuringPut (and shouldRestore: the same versions from the changelog)", async () => {
    const bytes = new InMemoryKeyValueBytesStore("versioned");
    const store = newStore(HISTORY_RETENTION, bytes);
    await putToStore(store, "k", "vp20", S + 20, UNDEFINED);
    await putToStore(store, "k", "vp10", S + 10, S + 20);
    await putToStore(store, "k", "vn10", S - 10, S + 10);
    await putToStore(store, "k", "vn2", S - 2, S + 10);
    await putToStore(store, "k", "vn1", S - 1, S + 10);
    await putToStore(store, "k", "vp1", S + 1, S + 10);
    const verify = async (s: Store) => {
      await verifyGet(s, "k", "vp20", S + 20);
      await verifyAsOf(s, "k", S + 30, "vp20", S + 20, UNDEFINED);
      await verifyAsOf(s, "k", S + 15, "vp10", S + 10, S + 20);
      await verifyAsOf(s, "k", S + 5, "vp1", S + 1, S + 10);
      await verifyAsOf(s, "k", S, "vn1", S - 1, S + 1);
      await verifyAsOf(s, "k", S - 1, "vn1", S - 1, S + 1);
      await verifyAsOf(s, "k", S - 2, "vn2", S - 2, S - 1);
      await verifyAsOf(s, "k", S - 5, "vn10", S - 10, S - 2);
    };
    await verify(store);
    // Each version row is one changelog record (plain key, value, the version's timestamp); restoring them rebuilds the store.
    const format = changelogFormat({ type: "versioned", timestamped: false });
    const restored = new InMemoryKeyValueBytesStore("versioned");
    for await (const [row, value] of bytes.iterate({})) {
      const entry = format.toChangelog(row, value, 0);
      expect(entry).toBeDefined();
      expect(entry!.key).toEqual(Buffer.from("k"));
      const back = format.fromChangelog({
        key: entry!.key,
        value: entry!.value,
        timestamp: entry!.timestamp ?? undefined,
      });
      await restored.put(back.key, back.value!);
    }
    await verify(newStore(HISTORY_RETENTION, restored));
  });

  it("shouldRestoreWithNullsAndRepeatTimestamps: the changelog's records in order, tombstones as versions", async () => {
    const format = changelogFormat({ type: "versioned", timestamped: false });
    const bytes = new InMemoryKeyValueBytesStore("versioned");
    for (const [value, timestamp] of REPEATS) {
      const record = format.fromChangelog({
        key: Buffer.from("k"),
        value: value === null ? null : Buffer.from(value),
        timestamp,
      });
      await bytes.put(record.key, record.value!);
    }
    await verifyRepeats(newStore(HISTORY_RETENTION, bytes));
  });

  it("restores its stream time with its versions: reads and late puts older than the history stay refused", async () => {
    // Kafka Streams' restoreBatch advances observedStreamTime over the restored records.
    const R = HISTORY_RETENTION;
    const bytes = new InMemoryKeyValueBytesStore("versioned");
    const store = newStore(HISTORY_RETENTION, bytes);
    await putToStore(store, "k", "old", 10, UNDEFINED);
    await putToStore(store, "k", "new", R + 100, UNDEFINED);
    await verifyAsOfNull(store, "k", 50); // before the history's start (100): refused
    await verifyAsOf(store, "k", 150, "old", 10, R + 100);
    const format = changelogFormat({ type: "versioned", timestamped: false });
    const restoredBytes = async () => {
      const copy = new InMemoryKeyValueBytesStore("versioned");
      for await (const [row, value] of bytes.iterate({})) {
        const entry = format.toChangelog(row, value, 0)!;
        const back = format.fromChangelog({
          key: entry.key,
          value: entry.value,
          timestamp: entry.timestamp ?? undefined,
        });
        await copy.put(back.key, back.value!);
      }
      return copy;
    };
    const restored = new TypedVersionedKeyValueStore<string, string>(
      await restoredBytes(),
      Serdes.string(),
      Serdes.string(),
      { historyRetentionMs: HISTORY_RETENTION, segmentIntervalMs: SEGMENT_INTERVAL },
      { restoredStreamTime: R + 100 },
    );
    expect(restored.observedStreamTime).toBe(R + 100);
    await verifyAsOfNull(restored, "k", 50);
    await verifyAsOf(restored, "k", 150, "old", 10, R + 100);
    expect(await restored.put("k", "late", 60)).toBe(PUT_RETURN_CODE_NOT_PUT);
    await verifyGet(restored, "k", "new", R + 100);
    // Opened without a restore (nothing was read back), stream time is unknown until the first put, as in Kafka Streams.
    const reopened = newStore(HISTORY_RETENTION, await restoredBytes());
    expect(reopened.observedStreamTime).toBe(-1);
    await verifyAsOf(reopened, "k", 50, "old", 10, R + 100);
  });

  it("shouldPutNonLatestTombstoneIntoNewSegmentWithValidTo", async () => {
    const store = newStore();
    await putToStore(store, "k", "vp30", S + 30, UNDEFINED);
    await putToStore(store, "k", null, S - 10, S + 30);
    await putToStore(store, "k", "vn5", S - 5, S + 30);
    await putToStore(store, "k", "vn1", S - 1, S + 30);
    await putToStore(store, "k", null, S - 2, S - 1);
    await verifyGet(store, "k", "vp30", S + 30);
    await verifyAsOf(store, "k", S + 10, "vn1", S - 1, S + 30);
    await verifyAsOfNull(store, "k", S - 2);
    await verifyAsOf(store, "k", S - 5, "vn5", S - 5, S - 2);
    await verifyAsOfNull(store, "k", S - 10);
  });

  it("shouldDelete", async () => {
    const store = newStore();
    await putToStore(store, "k", "vp20", S + 20, UNDEFINED);
    await putToStore(store, "k", "vp10", S + 10, S + 20);
    await putToStore(store, "k", "vn10", S - 10, S + 10);
    await putToStore(store, "k", "vn2", S - 2, S + 10);
    expect(await store.delete("k", S - 5)).toMatchObject({ value: "vn10", timestamp: S - 10 });
    expect(await store.delete("k", S + 10)).toMatchObject({ value: "vp10", timestamp: S + 10 });
    expect(await store.delete("k", S + 10)).toBeNull();
    expect(await store.delete("k", S + 25)).toEqual({ value: "vp20", timestamp: S + 20 });
    expect(await store.get("k")).toBeNull();
  });

  it("shouldNotPutExpired", async () => {
    const store = newStore();
    await putToStore(store, "k", "v", HISTORY_RETENTION + 10, UNDEFINED);
    await putToStore(store, "k1", "v1", HISTORY_RETENTION + 10 - GRACE_PERIOD, UNDEFINED);
    await verifyGet(store, "k1", "v1", HISTORY_RETENTION + 10 - GRACE_PERIOD);
    await putToStore(store, "k2", "v2", HISTORY_RETENTION + 9 - GRACE_PERIOD, PUT_RETURN_CODE_NOT_PUT);
    expect(await store.get("k2")).toBeNull();
    expect(PUT_RETURN_CODE_NOT_PUT).toBe(Number(-(2n ** 63n)));
  });

  it("shouldNotDeleteExpired", async () => {
    const store = newStore();
    await putToStore(store, "k1", "v1", 1, UNDEFINED);
    await putToStore(store, "k2", "v2", 1, UNDEFINED);
    await putToStore(store, "kother", "vother", HISTORY_RETENTION + 10, UNDEFINED);
    expect(await store.delete("k1", HISTORY_RETENTION + 10 - GRACE_PERIOD)).toEqual({ value: "v1", timestamp: 1 });
    expect(await store.get("k1")).toBeNull();
    expect(await store.delete("k2", HISTORY_RETENTION + 9 - GRACE_PERIOD)).toBeNull();
    await verifyGet(store, "k2", "v2", 1);
  });

  it("shouldGetFromOlderSegments", async () => {
    const store = newStore();
    await putToStore(store, "ko", null, S - 10, UNDEFINED);
    await putToStore(store, "ko", null, 2 * S - 10, UNDEFINED);
    await putToStore(store, "ko", null, 3 * S - 10, UNDEFINED);
    await verifyAsOfNull(store, "k", S - 20);
    await putToStore(store, "k", "v", S - 20, UNDEFINED);
    await putToStore(store, "k", null, S - 10, UNDEFINED);
    await verifyAsOfNull(store, "k", S - 30);
    await verifyAsOf(store, "k", S - 15, "v", S - 20, S - 10);
    await verifyAsOfNull(store, "k", S - 5);
    await putToStore(store, "k", "v2", 3 * S - 20, UNDEFINED);
    await putToStore(store, "k", null, 3 * S - 10, UNDEFINED);
    await verifyAsOfNull(store, "k", S - 30);
    await verifyAsOf(store, "k", S - 15, "v", S - 20, S - 10);
    await verifyAsOfNull(store, "k", S - 5);
  });

  it("shouldNotGetExpired", async () => {
    const store = newStore();
    await putToStore(store, "k", "v_old", 0, UNDEFINED);
    await putToStore(store, "k", "v", S - 10, UNDEFINED);
    await verifyAsOf(store, "k", S - 11, "v_old", 0, S - 10);
    await putToStore(store, "ko", "vo", HISTORY_RETENTION + S - 11, UNDEFINED);
    await verifyAsOf(store, "k", S - 11, "v_old", 0, S - 10);
    await putToStore(store, "ko", "vo2", HISTORY_RETENTION + S - 10, UNDEFINED);
    await verifyAsOfNull(store, "k", S - 11);
  });

  it("shouldGetExpiredIfLatestValue", async () => {
    const store = newStore();
    await putToStore(store, "k", "v", 1, UNDEFINED);
    await putToStore(store, "ko", "vo_old", 1, UNDEFINED);
    await putToStore(store, "ko", "vo_new", HISTORY_RETENTION + 12, UNDEFINED);
    await verifyAsOf(store, "k", 10, "v", 1, UNDEFINED);
    await verifyAsOfNull(store, "ko", 10);
  });

  it("shouldDistinguishEmptyAndNull", async () => {
    const store = newStore();
    await putToStore(store, "k", null, S + 20, UNDEFINED);
    await putToStore(store, "k", null, S - 10, S + 20);
    await putToStore(store, "k", null, S - 1, S + 20);
    await putToStore(store, "k", null, S + 1, S + 20);
    await putToStore(store, "k", null, S + 10, S + 20);
    await putToStore(store, "k", "", S + 5, S + 10);
    await putToStore(store, "k", "", S - 5, S - 1);
    await putToStore(store, "k", "", S - 6, S - 5);
    expect(await store.get("k")).toBeNull();
    await verifyAsOf(store, "k", S + 6, "", S + 5, S + 10);
    await verifyAsOfNull(store, "k", S + 2);
    await verifyAsOf(store, "k", S - 5, "", S - 5, S - 1);
    await verifyAsOf(store, "k", S - 6, "", S - 6, S - 5);
    await verifyAsOfNull(store, "k", S - 8);
  });

  it("shouldAllowZeroHistoryRetention", async () => {
    const store = newStore(0);
    await putToStore(store, "k", "v", BASE_TIMESTAMP, UNDEFINED);
    await verifyGet(store, "k", "v", BASE_TIMESTAMP);
    await verifyAsOf(store, "k", BASE_TIMESTAMP + 1, "v", BASE_TIMESTAMP, UNDEFINED);
    await putToStore(store, "k", "updated", BASE_TIMESTAMP, UNDEFINED);
    await verifyGet(store, "k", "updated", BASE_TIMESTAMP);
    await putToStore(store, "k", "v2", BASE_TIMESTAMP + 2, UNDEFINED);
    await verifyAsOf(store, "k", BASE_TIMESTAMP + 2, "v2", BASE_TIMESTAMP + 2, UNDEFINED);
    await verifyAsOfNull(store, "k", BASE_TIMESTAMP + 1);
    await store.delete("k", BASE_TIMESTAMP + 3);
    expect(await store.get("k")).toBeNull();
    await putToStore(store, "k2", "v", BASE_TIMESTAMP + 2, PUT_RETURN_CODE_NOT_PUT);
    expect(await store.get("k2")).toBeNull();
  });
});

describe("versioned store layout and housekeeping", () => {
  it("keeps a key's versions apart from a longer key sharing its prefix, in time order", async () => {
    const store = newStore();
    await store.put("user-1", "a", 5);
    await store.put("user-10", "b", 7);
    await store.put("user-1", "c", 3);
    expect(await store.get("user-1")).toEqual({ value: "a", timestamp: 5 });
    expect(await store.get("user-1", 4)).toEqual({ value: "c", timestamp: 3, validTo: 5 });
    expect(await store.get("user-10", 6)).toBeNull();
    expect(parseVersionRowKey(versionRowKey(Buffer.from("k"), 42))).toEqual({ key: Buffer.from("k"), timestamp: 42 });
    expect(parseVersionRowKey(Buffer.from("short"))).toBeUndefined();
  });

  it("sweeps versions no read can reach once stream time passes a segment, and does not log the sweep", async () => {
    const bytes = new InMemoryKeyValueBytesStore("versioned");
    const store = new TypedVersionedKeyValueStore<string, string>(bytes, Serdes.string(), Serdes.string(), {
      historyRetentionMs: 100,
      segmentIntervalMs: 50,
    });
    await store.put("a", "a1", 0);
    await store.put("a", "a2", 10);
    await store.put("gone", "g", 5);
    await store.delete("gone", 20);
    expect(await bytes.approximateNumEntries()).toBe(4);
    await store.put("other", "o", 400);
    // a1 (superseded at 10) and the deleted key's versions are gone; a's latest stays readable however old.
    expect(await bytes.approximateNumEntries()).toBe(2);
    expect(await store.get("a")).toEqual({ value: "a2", timestamp: 10 });
    expect(store.observedStreamTime).toBe(400);
    const format = changelogFormat({ type: "versioned", timestamped: false });
    expect(format.toChangelog(versionRowKey(Buffer.from("a"), 0), null, 400)).toBeUndefined();
  });

  it("refuses a null key, and invalid history retention or segment interval", async () => {
    const store = newStore();
    await expect(store.put(null as unknown as string, "v", 1)).rejects.toThrow(/key cannot be null/);
    expect(
      () =>
        new TypedVersionedKeyValueStore(new InMemoryKeyValueBytesStore("x"), Serdes.string(), Serdes.string(), {
          historyRetentionMs: -1,
          segmentIntervalMs: 1,
        }),
    ).toThrow(RangeError);
    expect(
      () =>
        new TypedVersionedKeyValueStore(new InMemoryKeyValueBytesStore("x"), Serdes.string(), Serdes.string(), {
          historyRetentionMs: 1,
          segmentIntervalMs: 0,
        }),
    ).toThrow(RangeError);
  });

  it("sizes segments and the changelog's compaction lag as Kafka Streams does", () => {
    expect(defaultVersionedSegmentInterval(3_000)).toBe(2_000);
    expect(defaultVersionedSegmentInterval(60_000)).toBe(20_000);
    expect(defaultVersionedSegmentInterval(300_000)).toBe(60_000);
    expect(defaultVersionedSegmentInterval(3_600_000)).toBe(300_000);
    expect(defaultVersionedSegmentInterval(86_400_000)).toBe(3_600_000);
    expect(versionedChangelogCompactionLagMs(300_000)).toBe(300_000 + 86_400_000);
    expect(versionedChangelogCompactionLagMs(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
  });
});
