// versions(key, { fromTime, toTime, order }): Kafka Streams' MultiVersionedKeyQuery over a
// versioned store. The cases of IQv2VersionedStoreIntegrationTest (four versions of a key,
// all of them, a time range, a range before the first, a missing key, both orders), then
// what RocksDBVersionedStore.get(key, from, to, order) does with deletions and with a
// range older than the history retention.
import { describe, expect, it } from "vitest";
import { Serdes } from "../../src/serdes/serdes.js";
import { InMemoryKeyValueBytesStore } from "../../src/stores/in-memory-bytes-store.js";
import { TypedVersionedKeyValueStore } from "../../src/stores/versioned-key-value-store.js";
import type { VersionedRecord, VersionsQuery } from "../../src/stores/versioned-key-value-store.js";

const BASE = 1_672_567_200; // IQv2VersionedStoreIntegrationTest's 2023-01-01T10:00:00Z, in seconds as it uses it
const VALUES = [2, 20, 200, 2000];
const TIMES = [BASE, BASE + 10, BASE + 20, BASE + 30];
const KEY = 2;
const MISSING_KEY = 3;
const DAY = 86_400_000;

function newStore(historyRetentionMs = DAY) {
  return new TypedVersionedKeyValueStore<number, number>(
    new InMemoryKeyValueBytesStore("versioned-store"),
    Serdes.int32(),
    Serdes.int32(),
    { historyRetentionMs, segmentIntervalMs: 3_600_000 },
  );
}

async function fourVersions() {
  const store = newStore();
  for (let i = 0; i < VALUES.length; i++) await store.put(KEY, VALUES[i]!, TIMES[i]!);
  return store;
}

async function read(store: TypedVersionedKeyValueStore<number, number>, key: number, query?: VersionsQuery) {
  const out: VersionedRecord<number>[] = [];
  for await (const record of store.versions(key, query)) out.push(record);
  return out;
}

/** Versions lower..upper of the four, as Kafka Streams gives them: validTo the next one's time, none for the latest. */
function expected(lower: number, upper: number, order: "asc" | "desc"): VersionedRecord<number>[] {
  const records: VersionedRecord<number>[] = [];
  for (let i = lower; i <= upper; i++) {
    records.push(
      i < VALUES.length - 1
        ? { value: VALUES[i]!, timestamp: TIMES[i]!, validTo: TIMES[i + 1]! }
        : { value: VALUES[i]!, timestamp: TIMES[i]! },
    );
  }
  return order === "asc" ? records : records.reverse();
}

describe("versions(): Kafka Streams' MultiVersionedKeyQuery (IQv2VersionedStoreIntegrationTest)", () => {
  it("gives every version, newest first by default and oldest first on asking", async () => {
    const store = await fourVersions();
    expect(await read(store, KEY)).toEqual(expected(0, 3, "desc"));
    expect(await read(store, KEY, { order: "asc" })).toEqual(expected(0, 3, "asc"));
  });

  it("gives the versions valid at some time of the range, one that began before it included", async () => {
    const store = await fourVersions();
    const query = { fromTime: TIMES[1]! + 5, toTime: Date.now() };
    expect(await read(store, KEY, query)).toEqual(expected(1, 3, "desc"));
    expect(await read(store, KEY, { ...query, order: "asc" })).toEqual(expected(1, 3, "asc"));
    // Bounds are inclusive: a version that ends exactly at fromTime is not valid then.
    expect(await read(store, KEY, { fromTime: TIMES[1], toTime: TIMES[2] })).toEqual(expected(1, 2, "desc"));
    expect(await read(store, KEY, { fromTime: TIMES[1], toTime: TIMES[2], order: "asc" })).toEqual(
      expected(1, 2, "asc"),
    );
  });

  it("gives nothing before the first version, for a missing key, or for a range that is not one", async () => {
    const store = await fourVersions();
    for (const order of ["asc", "desc"] as const) {
      expect(await read(store, KEY, { fromTime: TIMES[0]! - 100, toTime: TIMES[0]! - 50, order })).toEqual([]);
      expect(await read(store, MISSING_KEY, { order })).toEqual([]);
      expect(await read(store, KEY, { fromTime: TIMES[2], toTime: TIMES[1], order })).toEqual([]);
    }
  });

  it("leaves deletions out, each ending the version before it", async () => {
    const store = newStore();
    await store.put(KEY, 1, 100);
    await store.delete(KEY, 200);
    await store.put(KEY, 3, 300);
    const versions = [
      { value: 1, timestamp: 100, validTo: 200 },
      { value: 3, timestamp: 300 },
    ];
    expect(await read(store, KEY, { order: "asc" })).toEqual(versions);
    expect(await read(store, KEY)).toEqual([...versions].reverse());
    // Deleted during the whole range: nothing was valid then.
    expect(await read(store, KEY, { fromTime: 200, toTime: 299 })).toEqual([]);
    expect(await read(store, KEY, { fromTime: 200, toTime: 299, order: "asc" })).toEqual([]);
    // A key deleted last has no latest version.
    await store.delete(KEY, 400);
    expect(await read(store, KEY, { fromTime: 350 })).toEqual([{ value: 3, timestamp: 300, validTo: 400 }]);
    expect(await read(store, KEY, { fromTime: 400 })).toEqual([]);
    expect(await read(store, KEY, { fromTime: 400, order: "asc" })).toEqual([]);
  });

  it("answers a range older than the history with the latest version only, as get(key, asOf) does", async () => {
    const store = newStore(1_000);
    await store.put(KEY, 1, 100);
    await store.put(KEY, 2, 200);
    await store.put(MISSING_KEY, 9, 5_000); // stream time 5000: the history starts at 4000
    expect(await store.get(KEY, 150)).toBeNull();
    expect(await read(store, KEY, { toTime: 150 })).toEqual([]);
    expect(await read(store, KEY, { toTime: 250 })).toEqual([{ value: 2, timestamp: 200 }]);
    // Within the history, every version the store still holds.
    expect(await read(store, KEY, { toTime: 4_500, order: "asc" })).toEqual([
      { value: 1, timestamp: 100, validTo: 200 },
      { value: 2, timestamp: 200 },
    ]);
  });

  it("reads lazily: stopping early leaves the rest unread", async () => {
    const store = newStore();
    for (let t = 0; t < 1_000; t++) await store.put(KEY, t, 1_000 + t);
    const first: number[] = [];
    for await (const record of store.versions(KEY)) {
      first.push(record.timestamp);
      if (first.length === 3) break;
    }
    expect(first).toEqual([1_999, 1_998, 1_997]);
  });
});
