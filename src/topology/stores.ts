// Kafka Streams' Stores, for the stores it offers that plain options cannot say as briefly:
// a versioned key-value store (KIP-889). Spread what it returns into table() options, or
// pass it to versionedKeyValueStoreBuilder() for addStateStore():
//   builder.table("prices", { ...Stores.persistentVersionedKeyValueStore("prices", 600_000), key, value });
//   builder.addStateStore(Stores.versionedKeyValueStoreBuilder(Stores.persistentVersionedKeyValueStore("s", 60_000), key, value));
// Kafka Streams has no in-memory versioned store, and neither does Eddy. And the window
// stores a stream-stream join may be given (StreamJoined.withThisStoreSupplier):
//   Stores.inMemoryWindowStore("orders-window", retentionMs, windowSizeMs, true)
import type { Serde } from "../serdes/serde.js";
import type { StateStoreOptions, VersionedStoreOptions } from "./store-options.js";
import { versionedSpec } from "./store-options.js";
import { InvalidOperationError } from "./errors.js";

/** A versioned store, named: Kafka Streams' VersionedBytesStoreSupplier. */
export interface VersionedStoreSupplier {
  readonly store: string;
  readonly versioned: Required<VersionedStoreOptions>;
}

/** A window store, named: Kafka Streams' WindowBytesStoreSupplier (LevelDB when persistent). */
export interface WindowStoreSupplier {
  readonly name: string;
  readonly persistent: boolean;
  readonly retentionMs: number;
  readonly windowSizeMs: number;
  readonly retainDuplicates: boolean;
}

function windowStore(
  persistent: boolean,
  name: string,
  retentionMs: number,
  windowSizeMs: number,
  retainDuplicates: boolean,
): WindowStoreSupplier {
  if (typeof name !== "string") throw new InvalidOperationError("name cannot be null");
  for (const [field, value] of [
    ["retentionPeriod", retentionMs],
    ["windowSize", windowSizeMs],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new InvalidOperationError(`${field} of window store "${name}" must be a whole number of ms >= 0`);
    }
  }
  if (windowSizeMs > retentionMs) {
    throw new InvalidOperationError(
      `The retention period of the window store ${name} must be no smaller than its window size. Got size=[${windowSizeMs}], retention=[${retentionMs}]`,
    );
  }
  return Object.freeze({ name, persistent, retentionMs, windowSizeMs, retainDuplicates: retainDuplicates === true });
}

export const Stores = {
  /** Kafka Streams' Stores.persistentWindowStore: a LevelDB window store. */
  persistentWindowStore(
    name: string,
    retentionMs: number,
    windowSizeMs: number,
    retainDuplicates: boolean,
  ): WindowStoreSupplier {
    return windowStore(true, name, retentionMs, windowSizeMs, retainDuplicates);
  },

  /** Kafka Streams' Stores.inMemoryWindowStore. */
  inMemoryWindowStore(
    name: string,
    retentionMs: number,
    windowSizeMs: number,
    retainDuplicates: boolean,
  ): WindowStoreSupplier {
    return windowStore(false, name, retentionMs, windowSizeMs, retainDuplicates);
  },

  /**
   * A persistent versioned key-value store keeping old versions for `historyRetentionMs`
   * (which is also the grace period of out-of-order puts), swept every `segmentIntervalMs`
   * of stream time (by default as Kafka Streams sizes segments for the retention).
   */
  persistentVersionedKeyValueStore(
    name: string,
    historyRetentionMs: number,
    segmentIntervalMs?: number,
  ): VersionedStoreSupplier {
    if (typeof name !== "string") throw new InvalidOperationError("name cannot be null");
    const spec = versionedSpec(
      segmentIntervalMs === undefined ? { historyRetentionMs } : { historyRetentionMs, segmentIntervalMs },
    );
    return Object.freeze({ store: name, versioned: Object.freeze({ ...spec }) });
  },

  /** The store for addStateStore(): processors get it as a VersionedKeyValueStore<K, V>. */
  versionedKeyValueStoreBuilder<K, V>(
    supplier: VersionedStoreSupplier,
    key: Serde<K>,
    value: Serde<V>,
  ): StateStoreOptions<K, V> {
    if (supplier === null || typeof supplier !== "object")
      throw new InvalidOperationError("storeSupplier cannot be null");
    return { name: supplier.store, key, value, versioned: { ...supplier.versioned } };
  },
} as const;
