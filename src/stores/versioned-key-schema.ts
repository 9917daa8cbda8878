// How a versioned key-value store (KIP-889) lays its versions out in an ordered bytes
// store, and how they travel on its changelog.
//
// One row per version: the key's length (4 bytes), the key's bytes, then the version's
// timestamp (validFrom) as 8 bytes big-endian with the sign bit flipped, so that a key's
// versions are adjacent and ordered by time. The row's value is one flag byte (1: a value
// follows, 0: a tombstone, "deleted from this time on") and the value's bytes. A version is
// valid until the next one's timestamp; the last one is the key's latest.
//
// The changelog is Kafka Streams' (ChangeLoggingVersionedKeyValueBytesStore): every put is
// one record, keyed by the plain key, with the value (null for a delete) and the put's
// timestamp as the record's (a commit's versions of one key go out in time order, where Kafka
// Streams keeps put order: the history restored is the same). Restoring a record writes its
// version row back. Versions a
// store drops once they are older than its history retention are dropped locally only:
// they are not deletes of the key and are never logged. The changelog topic keeps records
// for the history retention plus a day before compaction may drop older versions of a key
// (min.compaction.lag.ms, as VersionedChangelogTopicConfig sets it).
import type { ChangelogRecord } from "./task-storage.js";

const LENGTH_BYTES = 4;
const TIMESTAMP_BYTES = 8;
const SIGN_BIT = 1n << 63n;
const VALUE_FLAG = 1;
const TOMBSTONE_FLAG = 0;

/** What Kafka Streams adds to the history retention for a versioned changelog's min.compaction.lag.ms. */
export const VERSIONED_CHANGELOG_ADDITIONAL_COMPACTION_LAG_MS = 24 * 60 * 60 * 1000;

/** A versioned store's history and segments (Kafka Streams' RocksDbVersionedKeyValueBytesStoreSupplier). */
export interface VersionedStoreSpec {
  /** How long old versions stay readable with get(key, asOf); also the grace period of late puts. */
  readonly historyRetentionMs: number;
  /** How often, in stream time, expired versions are swept out. */
  readonly segmentIntervalMs: number;
}

/** Kafka Streams' default segment interval for a history retention. */
export function defaultVersionedSegmentInterval(historyRetentionMs: number): number {
  if (historyRetentionMs <= 60_000) return Math.max(Math.floor(historyRetentionMs / 3), 2_000);
  if (historyRetentionMs <= 300_000) return Math.max(Math.floor(historyRetentionMs / 5), 20_000);
  if (historyRetentionMs <= 3_600_000) return Math.max(Math.floor(historyRetentionMs / 12), 60_000);
  return Math.max(Math.floor(historyRetentionMs / 24), 300_000);
}

/** The changelog topic's min.compaction.lag.ms: history retention plus a day, capped as Java's long is. */
export function versionedChangelogCompactionLagMs(historyRetentionMs: number): number {
  const lag = historyRetentionMs + VERSIONED_CHANGELOG_ADDITIONAL_COMPACTION_LAG_MS;
  return Number.isSafeInteger(lag) ? lag : Number.MAX_SAFE_INTEGER;
}

export function versionRowKey(key: Buffer, timestamp: number): Buffer {
  const row = Buffer.allocUnsafe(LENGTH_BYTES + key.length + TIMESTAMP_BYTES);
  row.writeUInt32BE(key.length, 0);
  key.copy(row, LENGTH_BYTES);
  row.writeBigUInt64BE(BigInt(timestamp) ^ SIGN_BIT, LENGTH_BYTES + key.length);
  return row;
}

/** The bounds of every version row of `key`. */
export function versionRowRange(key: Buffer): { gte: Buffer; lte: Buffer } {
  const gte = Buffer.alloc(LENGTH_BYTES + key.length + TIMESTAMP_BYTES);
  gte.writeUInt32BE(key.length, 0);
  key.copy(gte, LENGTH_BYTES);
  const lte = Buffer.from(gte);
  lte.fill(0xff, LENGTH_BYTES + key.length);
  return { gte, lte };
}

/** The plain key and the timestamp of a version row's key, or undefined for bytes that are not one. */
export function parseVersionRowKey(row: Buffer): { key: Buffer; timestamp: number } | undefined {
  if (row.length < LENGTH_BYTES + TIMESTAMP_BYTES) return undefined;
  const length = row.readUInt32BE(0);
  if (row.length !== LENGTH_BYTES + length + TIMESTAMP_BYTES) return undefined;
  return {
    key: row.subarray(LENGTH_BYTES, LENGTH_BYTES + length),
    timestamp: Number(row.readBigUInt64BE(LENGTH_BYTES + length) ^ SIGN_BIT),
  };
}

/** A version row's value: the value's bytes, or null for a tombstone. */
export function versionRowValue(value: Buffer | null): Buffer {
  if (value === null) return Buffer.from([TOMBSTONE_FLAG]);
  const row = Buffer.allocUnsafe(1 + value.length);
  row.writeUInt8(VALUE_FLAG, 0);
  value.copy(row, 1);
  return row;
}

/** The value's bytes of a version row, or null for a tombstone. */
export function parseVersionRowValue(row: Buffer): Buffer | null {
  return row.length === 0 || row.readUInt8(0) === TOMBSTONE_FLAG ? null : row.subarray(1);
}

/** The changelog record of a written version row; undefined for a dropped (expired) row, which is not logged. */
export function versionToChangelog(
  row: Buffer,
  value: Buffer | null,
): { key: Buffer; value: Buffer | null; timestamp: number } | undefined {
  if (value === null) return undefined;
  const parsed = parseVersionRowKey(row);
  if (parsed === undefined) return undefined;
  return { key: parsed.key, value: parseVersionRowValue(value), timestamp: parsed.timestamp };
}

/** The version row a changelog record restores (a null value restores a tombstone version). */
export function versionFromChangelog(record: ChangelogRecord): ChangelogRecord {
  const timestamp = record.timestamp ?? 0;
  return { key: versionRowKey(record.key, timestamp), value: versionRowValue(record.value), timestamp };
}
