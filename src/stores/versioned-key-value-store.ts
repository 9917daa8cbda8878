// Versioned key-value stores (KIP-889): Kafka Streams' VersionedKeyValueStore, as its
// RocksDBVersionedStore behaves. Every put(key, value, timestamp) adds a version valid
// from its timestamp until the next version's; get(key) reads the latest, get(key, asOf)
// the version valid at a time. Reads and writes older than the history retention (measured
// from the largest timestamp the store has seen) are refused: a put returns
// PUT_RETURN_CODE_NOT_PUT, a get returns null unless the latest version answers it (the
// latest version of a key never expires). Versions that can no longer answer a read are
// swept out once per segment interval of stream time (versioned-key-schema.ts has the rows).
//
// As in Kafka Streams, the store's stream time lives in memory: it starts unknown when a
// task opens the store, and the first put sets it, unless the task restored versions from the
// changelog first: then it is the latest restored version's timestamp, as RocksDBVersionedStore's
// restore advances it (so a read or late put older than the history is refused after a restore
// as it was before it).
import type { Serde, SerdeContext } from "../serdes/serde.js";
import { storeSerdeContext } from "./store-serde-context.js";
import type { KeyValueBytesStore } from "./key-value-store.js";
import type { StreamTimeCell } from "./store-stream-time.js";
import type { VersionedStoreSpec } from "./versioned-key-schema.js";
import {
  parseVersionRowKey,
  parseVersionRowValue,
  versionRowKey,
  versionRowRange,
  versionRowValue,
} from "./versioned-key-schema.js";

/** put(): the version put is the latest (it has no end). */
export const PUT_RETURN_CODE_VALID_TO_UNDEFINED = -1;
/** put(): nothing was put, the timestamp being older than the history retention (Java's Long.MIN_VALUE). */
export const PUT_RETURN_CODE_NOT_PUT = -(2 ** 63);

/** One version of a key: Kafka Streams' VersionedRecord. `validTo` is absent for the latest version. */
export interface VersionedRecord<V> {
  readonly value: V;
  /** The version's timestamp: it is valid from then on. */
  readonly timestamp: number;
  /** When the next version took over (exclusive); absent when this version was read as the latest. */
  readonly validTo?: number;
}

/** Which versions versions() reads (Kafka Streams' MultiVersionedKeyQuery). */
export interface VersionsQuery {
  /** Versions still valid at or after this time: validTo > fromTime (the latest is always). Default: the earliest. */
  readonly fromTime?: number;
  /** Versions that began at or before this time: timestamp <= toTime. Default: the latest. */
  readonly toTime?: number;
  /** By timestamp: "desc" (newest first, the default, as Kafka Streams' store returns them) or "asc". */
  readonly order?: "asc" | "desc";
}

/** What interactive queries read of a versioned store (Kafka Streams' VersionedKeyQuery and MultiVersionedKeyQuery). */
export interface ReadOnlyVersionedKeyValueStore<K, V> {
  readonly name: string;
  /** The latest version, or null when the key has none (or was deleted last). */
  get(key: K): Promise<VersionedRecord<V> | null>;
  /** The version valid at `asOfTimestamp`, or null. */
  get(key: K, asOfTimestamp: number): Promise<VersionedRecord<V> | null>;
  /**
   * The versions of `key` valid at some time in [fromTime, toTime], read lazily; deletions
   * are not versions but end the one before. Older than the history retention, only the
   * latest version can answer, as for get(key, asOf).
   */
  versions(key: K, query?: VersionsQuery): AsyncIterableIterator<VersionedRecord<V>>;
}

export interface VersionedKeyValueStore<K, V> extends ReadOnlyVersionedKeyValueStore<K, V> {
  readonly name: string;
  /**
   * Adds the version of `key` valid from `timestamp` (null: deleted from then on). Returns
   * when that version stops being valid (the next version's timestamp),
   * PUT_RETURN_CODE_VALID_TO_UNDEFINED when it is the latest, or PUT_RETURN_CODE_NOT_PUT
   * when `timestamp` is older than the history retention.
   */
  put(key: K, value: V | null, timestamp: number): Promise<number>;
  /** put(key, null, timestamp), returning the version that was valid at `timestamp`, or null. */
  delete(key: K, timestamp: number): Promise<VersionedRecord<V> | null>;
  /** The latest version, or null when the key has none (or was deleted last). */
  get(key: K): Promise<VersionedRecord<V> | null>;
  /** The version valid at `asOfTimestamp`, or null. */
  get(key: K, asOfTimestamp: number): Promise<VersionedRecord<V> | null>;
}

/** Kafka Streams' NO_TIMESTAMP: the store has seen no put yet. */
const UNKNOWN_STREAM_TIME = -1;

interface Version {
  readonly row: Buffer;
  readonly timestamp: number;
  readonly value: Buffer | null;
}

export interface VersionedStoreOpenOptions {
  /** The latest timestamp restored into the store when its task opened (its stream time); unknown when absent. */
  readonly restoredStreamTime?: number;
  /**
   * The store's clock, shared with its task (store-stream-time.ts): restored and standby
   * records advanced it. The store keeps its own when absent.
   */
  readonly streamTime?: StreamTimeCell;
  /**
   * The topic the store's serdes are told, as Kafka Streams' stores tell theirs their
   * changelog's (src/topology/store-serde-topic.ts); none when absent.
   */
  readonly topic?: string;
}

export class TypedVersionedKeyValueStore<K, V> implements VersionedKeyValueStore<K, V> {
  readonly bytes: KeyValueBytesStore;
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  readonly historyRetentionMs: number;
  readonly segmentIntervalMs: number;
  readonly #keyContext: SerdeContext;
  readonly #valueContext: SerdeContext;
  readonly #clock: StreamTimeCell;
  #sweptSegment = 0;

  constructor(
    bytes: KeyValueBytesStore,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
    spec: VersionedStoreSpec,
    options: VersionedStoreOpenOptions = {},
  ) {
    if (!(spec.historyRetentionMs >= 0)) {
      throw new RangeError(
        `Versioned store "${bytes.name}" needs a history retention >= 0, got ${spec.historyRetentionMs}`,
      );
    }
    if (!(spec.segmentIntervalMs >= 1)) {
      throw new RangeError(
        `Versioned store "${bytes.name}" needs a segment interval >= 1, got ${spec.segmentIntervalMs}`,
      );
    }
    this.bytes = bytes;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
    this.historyRetentionMs = spec.historyRetentionMs;
    this.segmentIntervalMs = spec.segmentIntervalMs;
    this.#keyContext = storeSerdeContext(bytes.name, "key", options.topic);
    this.#valueContext = storeSerdeContext(bytes.name, "value", options.topic);
    this.#clock = options.streamTime ?? { time: UNKNOWN_STREAM_TIME, cleanedBelowSegment: 0 };
    if (options.restoredStreamTime !== undefined && options.restoredStreamTime > this.#clock.time) {
      this.#clock.time = options.restoredStreamTime;
    }
  }

  get #observedStreamTime(): number {
    return this.#clock.time;
  }

  set #observedStreamTime(time: number) {
    this.#clock.time = time;
  }

  get name(): string {
    return this.bytes.name;
  }

  /** The largest timestamp put so far (-1 before any). */
  get observedStreamTime(): number {
    return this.#observedStreamTime;
  }

  async put(key: K, value: V | null, timestamp: number): Promise<number> {
    const keyBytes = this.#serializeKey(key);
    if (this.#expired(timestamp)) return PUT_RETURN_CODE_NOT_PUT;
    await this.#advance(timestamp);
    const versions = await this.#versions(keyBytes);
    const next = versions.find((version) => version.timestamp > timestamp);
    const valueBytes =
      value === null || value === undefined ? null : this.valueSerde.serialize(value, this.#valueContext);
    const writes: [Buffer, Buffer | null][] = [[versionRowKey(keyBytes, timestamp), versionRowValue(valueBytes)]];
    // Versions no read can reach any more: their successor starts at or before the history's start.
    for (let i = 0; i + 1 < versions.length; i++) {
      if (versions[i + 1]!.timestamp <= this.#historyStart && versions[i]!.timestamp !== timestamp) {
        writes.push([versions[i]!.row, null]);
      }
    }
    await this.bytes.write(writes);
    return next === undefined ? PUT_RETURN_CODE_VALID_TO_UNDEFINED : next.timestamp;
  }

  async delete(key: K, timestamp: number): Promise<VersionedRecord<V> | null> {
    if (this.#expired(timestamp)) {
      this.#serializeKey(key);
      return null;
    }
    const existing = await this.get(key, timestamp);
    await this.put(key, null, timestamp);
    return existing;
  }

  get(key: K, asOfTimestamp?: number): Promise<VersionedRecord<V> | null> {
    const keyBytes = this.#serializeKey(key);
    return asOfTimestamp === undefined ? this.#latest(keyBytes) : this.#asOf(keyBytes, asOfTimestamp);
  }

  async #latest(keyBytes: Buffer): Promise<VersionedRecord<V> | null> {
    for await (const [row, value] of this.bytes.iterate({ ...versionRowRange(keyBytes), reverse: true })) {
      const parsed = parseVersionRowKey(row);
      if (parsed === undefined) continue;
      const raw = parseVersionRowValue(value);
      return raw === null
        ? null
        : { value: this.valueSerde.deserialize(raw, this.#valueContext), timestamp: parsed.timestamp };
    }
    return null;
  }

  async #asOf(keyBytes: Buffer, asOfTimestamp: number): Promise<VersionedRecord<V> | null> {
    let validTo: number | undefined;
    for await (const [row, value] of this.bytes.iterate({ ...versionRowRange(keyBytes), reverse: true })) {
      const parsed = parseVersionRowKey(row);
      if (parsed === undefined) continue;
      if (parsed.timestamp > asOfTimestamp) {
        validTo = parsed.timestamp;
        continue;
      }
      const raw = parseVersionRowValue(value);
      if (raw === null) return null;
      // Beyond the history, only the latest version answers (Kafka Streams returns null otherwise).
      if (validTo !== undefined && this.#beyondHistory(asOfTimestamp)) return null;
      const found = this.valueSerde.deserialize(raw, this.#valueContext);
      return validTo === undefined
        ? { value: found, timestamp: parsed.timestamp }
        : { value: found, timestamp: parsed.timestamp, validTo };
    }
    return null;
  }

  versions(key: K, query: VersionsQuery = {}): AsyncIterableIterator<VersionedRecord<V>> {
    const keyBytes = this.#serializeKey(key);
    // Versions begin at Kafka timestamps, which are never negative: the row keys need none.
    const fromTime = Math.max(0, query.fromTime ?? 0);
    const toTime = Math.min(query.toTime ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    if (fromTime > toTime || toTime < 0) return emptyVersions();
    // Past the history only the latest version answers (RocksDBVersionedStore.get(key, from, to, order)).
    if (this.#beyondHistory(toTime)) return this.#latestAtOrBefore(keyBytes, toTime);
    return query.order === "asc"
      ? this.#versionsAscending(keyBytes, fromTime, toTime)
      : this.#versionsDescending(keyBytes, fromTime, toTime);
  }

  async *#latestAtOrBefore(keyBytes: Buffer, toTime: number): AsyncIterableIterator<VersionedRecord<V>> {
    const latest = await this.#latest(keyBytes);
    if (latest !== null && latest.timestamp <= toTime) yield latest;
  }

  async *#versionsDescending(
    keyBytes: Buffer,
    fromTime: number,
    toTime: number,
  ): AsyncIterableIterator<VersionedRecord<V>> {
    const range = versionRowRange(keyBytes);
    const upTo = versionRowKey(keyBytes, toTime);
    // The first version after toTime, deleted or not, ends the validity of the one at toTime.
    let validTo: number | undefined;
    for await (const [row] of this.bytes.iterate({ gt: upTo, lte: range.lte })) {
      validTo = parseVersionRowKey(row)?.timestamp;
      if (validTo !== undefined) break;
    }
    for await (const [row, value] of this.bytes.iterate({ gte: range.gte, lte: upTo, reverse: true })) {
      const parsed = parseVersionRowKey(row);
      if (parsed === undefined) continue;
      const raw = parseVersionRowValue(value);
      if (raw !== null && (validTo === undefined || validTo > fromTime))
        yield this.#record(raw, parsed.timestamp, validTo);
      // Every older version ended at or before this one began.
      if (parsed.timestamp <= fromTime) return;
      validTo = parsed.timestamp;
    }
  }

  async *#versionsAscending(
    keyBytes: Buffer,
    fromTime: number,
    toTime: number,
  ): AsyncIterableIterator<VersionedRecord<V>> {
    const range = versionRowRange(keyBytes);
    // Start at the version valid at fromTime: the last one that began at or before it.
    let start = range.gte;
    for await (const [row] of this.bytes.iterate({
      gte: range.gte,
      lte: versionRowKey(keyBytes, fromTime),
      reverse: true,
    })) {
      if (parseVersionRowKey(row) === undefined) continue;
      start = row;
      break;
    }
    let pending: { timestamp: number; raw: Buffer | null } | undefined;
    for await (const [row, value] of this.bytes.iterate({ gte: start, lte: range.lte })) {
      const parsed = parseVersionRowKey(row);
      if (parsed === undefined) continue;
      if (pending !== undefined && pending.raw !== null && parsed.timestamp > fromTime) {
        yield this.#record(pending.raw, pending.timestamp, parsed.timestamp);
      }
      if (parsed.timestamp > toTime) return;
      pending = { timestamp: parsed.timestamp, raw: parseVersionRowValue(value) };
    }
    if (pending !== undefined && pending.raw !== null) yield this.#record(pending.raw, pending.timestamp, undefined);
  }

  #record(raw: Buffer, timestamp: number, validTo: number | undefined): VersionedRecord<V> {
    const value = this.valueSerde.deserialize(raw, this.#valueContext);
    return validTo === undefined ? { value, timestamp } : { value, timestamp, validTo };
  }

  async #versions(keyBytes: Buffer): Promise<Version[]> {
    const versions: Version[] = [];
    for await (const [row, value] of this.bytes.iterate(versionRowRange(keyBytes))) {
      const parsed = parseVersionRowKey(row);
      if (parsed !== undefined) versions.push({ row, timestamp: parsed.timestamp, value: parseVersionRowValue(value) });
    }
    return versions;
  }

  get #historyStart(): number {
    return this.#observedStreamTime - this.historyRetentionMs;
  }

  #expired(timestamp: number): boolean {
    return this.#observedStreamTime !== UNKNOWN_STREAM_TIME && timestamp < this.#historyStart;
  }

  #beyondHistory(asOfTimestamp: number): boolean {
    return this.#observedStreamTime !== UNKNOWN_STREAM_TIME && asOfTimestamp < this.#historyStart;
  }

  async #advance(timestamp: number): Promise<void> {
    this.#observedStreamTime = Math.max(this.#observedStreamTime, timestamp);
    const segment = Math.floor(Math.max(0, this.#historyStart) / this.segmentIntervalMs);
    if (segment > this.#sweptSegment) {
      this.#sweptSegment = segment;
      await this.#sweep();
    }
  }

  /**
   * Drops every version whose successor starts at or before the history's start, and a
   * key's last version when it is a tombstone that old: no read can reach them.
   */
  async #sweep(): Promise<void> {
    const historyStart = this.#historyStart;
    const drops: [Buffer, null][] = [];
    let previous: { row: Buffer; key: Buffer; value: Buffer | null } | undefined;
    for await (const [row, value] of this.bytes.iterate({})) {
      const parsed = parseVersionRowKey(row);
      if (parsed === undefined) continue;
      if (previous !== undefined && previous.key.equals(parsed.key) && parsed.timestamp <= historyStart) {
        drops.push([previous.row, null]);
      } else if (previous !== undefined && !previous.key.equals(parsed.key)) {
        this.#dropIfOldTombstone(previous, historyStart, drops);
      }
      previous = { row, key: Buffer.from(parsed.key), value: parseVersionRowValue(value) };
    }
    if (previous !== undefined) this.#dropIfOldTombstone(previous, historyStart, drops);
    if (drops.length > 0) await this.bytes.write(drops);
  }

  #dropIfOldTombstone(
    last: { row: Buffer; value: Buffer | null },
    historyStart: number,
    drops: [Buffer, null][],
  ): void {
    if (last.value !== null) return;
    const parsed = parseVersionRowKey(last.row);
    if (parsed !== undefined && parsed.timestamp <= historyStart) drops.push([last.row, null]);
  }

  #serializeKey(key: K): Buffer {
    if (key === null || key === undefined) throw new TypeError(`key cannot be null (versioned store "${this.name}")`);
    return this.keySerde.serialize(key, this.#keyContext);
  }
}

async function* emptyVersions<V>(): AsyncIterableIterator<VersionedRecord<V>> {}
