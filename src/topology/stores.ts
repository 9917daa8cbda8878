// Kafka Streams' Stores, for the stores it offers that plain options cannot say as briefly:
// a versioned key-value store (KIP-889). Spread what it returns into table() options, or
// pass it to versionedKeyValueStoreBuilder() for addStateStore():
//   builder.table("prices", { ...Stores.persistentVersionedKeyValueStore("prices", 600_000), key, value });
//   builder.addStateStore(Stores.versionedKeyValueStoreBuilder(Stores.persistentVersionedKeyValueStore("s", 60_000), key, value));
// Kafka Streams has no in-memory versioned store, and neither does Eddy.
import type { Serde } from "../serdes/serde.js";
import type { StateStoreOptions, VersionedStoreOptions } from "./store-options.js";
import { versionedSpec } from "./store-options.js";
import { InvalidOperationError } from "./errors.js";

/** A versioned store, named: Kafka Streams' VersionedBytesStoreSupplier. */
export interface VersionedStoreSupplier {
  readonly store: string;
  readonly versioned: Required<VersionedStoreOptions>;
}

export const Stores = {
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
