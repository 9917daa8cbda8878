// A key-value state store as a user declares it, for StreamsBuilder.addStateStore(),
// Topology.addStateStore() and a processor supplier's stores(): Kafka Streams'
// StoreBuilder, as a plain object. Adding the same object twice shares one store;
// another object with the same name is an error.
import type { Serde } from "../serdes/serde.js";
import { defaultVersionedSegmentInterval } from "../stores/versioned-key-schema.js";
import type { VersionedStoreSpec } from "../stores/versioned-key-schema.js";
import type { StoreType } from "../stores/store-type.js";
import { InvalidOperationError } from "./errors.js";
import type { StoreSpec } from "./builder-specs.js";

export interface StateStoreOptions<K, V> {
  name: string;
  key: Serde<K>;
  value: Serde<V>;
  /** LevelDB when true (the default), in memory when false. */
  persistent?: boolean;
  /** Backed by the compacted changelog topic `<applicationId>-<name>-changelog` (default true). */
  logging?: boolean;
  /**
   * Keep each value with a timestamp (Kafka Streams' timestamped key-value store): the
   * processors then read and write `ValueAndTimestamp<V>`. Default false.
   */
  timestamped?: boolean;
  /** Behind the record cache (Kafka Streams' StoreBuilder.withCachingEnabled()): reads answered from memory. Default false. */
  caching?: boolean;
  /**
   * A versioned key-value store (Kafka Streams' persistentVersionedKeyValueStore, KIP-889):
   * processors get a VersionedKeyValueStore keeping every version of a key for the history
   * retention. Make one with Stores.persistentVersionedKeyValueStore().
   */
  versioned?: VersionedStoreOptions;
}

/** A versioned store's history: Kafka Streams' historyRetention and segmentInterval. */
export interface VersionedStoreOptions {
  /** How long old versions stay readable (get(key, asOf)); also how late a put may come. */
  historyRetentionMs: number;
  /** How often, in stream time, expired versions are swept out; Kafka Streams' default for the retention when absent. */
  segmentIntervalMs?: number;
}

/** The checked spec of a versioned store, as Kafka Streams' Stores checks it (the same messages). */
export function versionedSpec(options: VersionedStoreOptions): VersionedStoreSpec {
  const { historyRetentionMs, segmentIntervalMs } = options;
  if (typeof historyRetentionMs !== "number" || !Number.isSafeInteger(historyRetentionMs)) {
    throw new InvalidOperationError(
      `historyRetention must be a whole number of milliseconds, got ${String(historyRetentionMs)}`,
    );
  }
  if (historyRetentionMs < 0) throw new InvalidOperationError("historyRetention cannot be negative");
  if (segmentIntervalMs === undefined) {
    return { historyRetentionMs, segmentIntervalMs: defaultVersionedSegmentInterval(historyRetentionMs) };
  }
  if (typeof segmentIntervalMs !== "number" || !Number.isSafeInteger(segmentIntervalMs)) {
    throw new InvalidOperationError(
      `segmentInterval must be a whole number of milliseconds, got ${String(segmentIntervalMs)}`,
    );
  }
  if (segmentIntervalMs < 1) throw new InvalidOperationError("segmentInterval cannot be zero or negative");
  return { historyRetentionMs, segmentIntervalMs };
}

/** The builder fields of a store declared versioned (none for another store). */
export function versionedStoreSpecOf(options: {
  versioned?: VersionedStoreOptions | undefined;
  timestamped?: boolean | undefined;
  persistent?: boolean | undefined;
  name: string;
}): { type?: StoreType; versioned?: VersionedStoreSpec } {
  if (options.versioned === undefined) return {};
  if (options.timestamped === true) {
    throw new InvalidOperationError(
      `Store "${options.name}" cannot be both versioned and timestamped: a version has its own timestamp`,
    );
  }
  if (options.persistent === false) {
    throw new InvalidOperationError(
      `Store "${options.name}": versioned stores are persistent only, as in Kafka Streams (drop persistent: false)`,
    );
  }
  return { type: "versioned", versioned: versionedSpec(options.versioned) };
}

/**
 * What the builder adds for a store the user declared (Topology.addStateStore(), a
 * supplier's stores()): the object itself is the store's origin, so that adding it again
 * shares the store.
 */
export function storeSpecOf(store: StateStoreOptions<unknown, unknown>): StoreSpec {
  return {
    name: store.name,
    keySerde: store.key,
    valueSerde: store.value,
    ...(store.persistent !== undefined ? { persistent: store.persistent } : {}),
    ...(store.logging !== undefined ? { logging: store.logging } : {}),
    ...(store.timestamped !== undefined ? { timestamped: store.timestamped } : {}),
    ...(store.caching !== undefined ? { caching: store.caching } : {}),
    ...versionedStoreSpecOf(store),
    origin: store,
    serdeHint: `give store "${store.name}" a {part} serde`,
  };
}
