// How a store's bytes travel on its changelog topic, so that the changelog is what
// Kafka Streams writes for the same store (a Java consumer, or a Kafka Streams
// application restoring it, reads it as its own):
// - a plain key-value, window or session store logs its key and value bytes as stored;
// - a timestamped store logs the plain value and the timestamp as the record's
//   timestamp (ChangeLoggingTimestampedKeyValueBytesStore), and restoring puts the
//   record's timestamp back in front of the value (RecordConverters.rawValueToTimestampedValue);
// - suppress()'s buffer logs its entries with the header v=3 (the buffer's format version)
//   and no timestamp of their own: the producer stamps them as it sends them;
// - a versioned store logs every version: the plain key and value, the version's timestamp
//   as the record's (ChangeLoggingVersionedKeyValueBytesStore).
//
// A changelog written before Eddy kept timestamps (plain values, records stamped with
// the stream time of their commit) therefore restores into a timestamped store with
// those commit times: the upgrade path Kafka Streams takes too.
import type { StoreLayout } from "./store-type.js";
import type { ChangelogRecord } from "./task-storage.js";
import { rawValueOf, timestampOf, withTimestamp } from "./value-and-timestamp.js";
import { versionFromChangelog, versionToChangelog } from "./versioned-key-schema.js";

export interface ChangelogHeader {
  readonly key: string;
  readonly value: Buffer | null;
}

/** One changelog record, as the runtime produces it. */
export interface ChangelogEntry {
  readonly key: Buffer;
  readonly value: Buffer | null;
  /** Null: the record has no timestamp of its own, and the producer stamps it with its clock when it sends it. */
  readonly timestamp: number | null;
  readonly headers: readonly ChangelogHeader[] | undefined;
}

export interface ChangelogFormat {
  /** Stored bytes and changelog bytes are the same: restore writes records as they are. */
  readonly identity: boolean;
  /** Changelog records carry headers (toChangelog() must be asked for them). */
  readonly headers: boolean;
  /**
   * The changelog record of a pending write. `fallbackTimestamp` stamps records whose
   * value carries no timestamp of its own (plain stores, deletes): the task's stream time.
   * Undefined for a write that is not logged (a versioned store dropping expired versions).
   */
  toChangelog(key: Buffer, value: Buffer | null, fallbackTimestamp: number): ChangelogEntry | undefined;
  /** The stored bytes a changelog record restores. */
  fromChangelog(record: ChangelogRecord): ChangelogRecord;
}

const plain: ChangelogFormat = {
  identity: true,
  headers: false,
  toChangelog: (key, value, fallbackTimestamp) => ({ key, value, timestamp: fallbackTimestamp, headers: undefined }),
  fromChangelog: (record) => record,
};

const timestamped: ChangelogFormat = {
  identity: false,
  headers: false,
  toChangelog(key, value, fallbackTimestamp) {
    if (value === null) return { key, value, timestamp: fallbackTimestamp, headers: undefined };
    const timestamp = timestampOf(value);
    // A row upgraded from a store without timestamps has none (-1): Kafka refuses negative timestamps.
    return {
      key,
      value: rawValueOf(value),
      timestamp: timestamp >= 0 ? timestamp : fallbackTimestamp,
      headers: undefined,
    };
  },
  fromChangelog(record) {
    if (record.value === null) return record;
    return { key: record.key, value: withTimestamp(record.timestamp ?? 0, record.value), timestamp: record.timestamp };
  },
};

/** The buffer's changelog version header (InMemoryTimeOrderedKeyValueChangeBuffer.CHANGELOG_HEADERS). */
export const BUFFER_CHANGELOG_HEADERS: readonly ChangelogHeader[] = Object.freeze([
  Object.freeze({ key: "v", value: Buffer.from([3]) }),
]);

const buffer: ChangelogFormat = {
  identity: true,
  headers: true,
  // Kafka Streams sends the buffer's records with no timestamp (the producer's clock stamps
  // them), as the buffer time is in the value.
  toChangelog: (key, value) => ({
    key,
    value,
    timestamp: null,
    // A tombstone carries no version: Kafka Streams' logTombstone sends none.
    headers: value === null ? undefined : BUFFER_CHANGELOG_HEADERS,
  }),
  fromChangelog: (record) => record,
};

// A versioned store logs each version as Kafka Streams does (versioned-key-schema.ts).
const versioned: ChangelogFormat = {
  identity: false,
  headers: false,
  toChangelog(row, value) {
    const entry = versionToChangelog(row, value);
    return entry === undefined ? undefined : { ...entry, headers: undefined };
  },
  fromChangelog: versionFromChangelog,
};

export function changelogFormat(layout: StoreLayout): ChangelogFormat {
  if (layout.type === "buffer") return buffer;
  if (layout.type === "versioned") return versioned;
  return layout.timestamped ? timestamped : plain;
}
