// How a window or session store's rows expire, for the paths that write the store without
// its typed store: a restore and a standby. Kafka Streams' segmented stores restore so
// (AbstractRocksDBSegmentedBytesStore.restoreAllInternal): each restored record advances
// the store's observed stream time by its key's time, a record into a segment already
// expired is skipped, and the expired segments are dropped. Dropping them writes no
// changelog record: they are restored state, and the windowed changelog's retention.ms
// takes them off the topic.
import type { KeyValueBytesStore } from "./key-value-store.js";
import { sessionEndOf } from "./session-store.js";
import type { StreamTimeCell } from "./store-stream-time.js";
import { isWindowStoreKey, windowStartOf } from "./window-key-schema.js";
import { segmentIntervalOf } from "./window-store.js";

export interface SegmentedRetention {
  readonly retentionMs: number;
  readonly segmentIntervalMs: number;
  /** The time a stored row is kept by (Kafka Streams' KeySchema.segmentTimestamp); -1 for a key of no row. */
  segmentTimestampOf(storeKey: Buffer): number;
}

/** A window store's: rows kept by their window's start. */
export function windowRetention(retentionMs: number): SegmentedRetention {
  return {
    retentionMs,
    segmentIntervalMs: segmentIntervalOf(retentionMs),
    segmentTimestampOf: (storeKey) => (isWindowStoreKey(storeKey) ? windowStartOf(storeKey) : -1),
  };
}

/** A session store's: rows kept by their session's end. */
export function sessionRetention(retentionMs: number): SegmentedRetention {
  return { retentionMs, segmentIntervalMs: segmentIntervalOf(retentionMs), segmentTimestampOf: sessionEndOf };
}

/** The first segment still live at `streamTime`. */
export function minLiveSegmentOf(retention: SegmentedRetention, streamTime: number): number {
  return Math.floor(Math.max(0, streamTime - retention.retentionMs) / retention.segmentIntervalMs);
}

/**
 * Restored rows that go into the store: each advances `clock` by its key's time, and
 * one whose segment has expired by then is left out.
 */
export function* liveRestoredRows<R extends { key: Buffer }>(
  rows: Iterable<R>,
  retention: SegmentedRetention,
  clock: StreamTimeCell,
): Generator<R> {
  const interval = retention.segmentIntervalMs;
  for (const row of rows) {
    const time = retention.segmentTimestampOf(row.key);
    if (time > clock.time) clock.time = time;
    if (time >= 0 && Math.floor(time / interval) < minLiveSegmentOf(retention, clock.time)) continue;
    yield row;
  }
}

/**
 * Deletes the rows of segments expired at `clock`'s time, once per segment that expires:
 * one scan of the store, its deletes written straight to it (no changelog record).
 */
export async function dropExpiredRows(
  store: KeyValueBytesStore,
  retention: SegmentedRetention,
  clock: StreamTimeCell,
): Promise<number> {
  const minLiveSegment = minLiveSegmentOf(retention, clock.time);
  if (minLiveSegment <= clock.cleanedBelowSegment) return 0;
  clock.cleanedBelowSegment = minLiveSegment;
  const expiredBefore = minLiveSegment * retention.segmentIntervalMs;
  const expired: Buffer[] = [];
  for await (const [storeKey] of store.iterate({})) {
    const time = retention.segmentTimestampOf(storeKey);
    if (time >= 0 && time < expiredBefore) expired.push(storeKey);
  }
  if (expired.length > 0) await store.write(expired.map((row): [Buffer, null] => [row, null]));
  return expired.length;
}
