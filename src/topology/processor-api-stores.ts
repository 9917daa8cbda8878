// The Processor API's stores fed from a topic by a processor of the user's: a global store
// (Kafka Streams' Topology.addGlobalStore) and a read-only store (addReadOnlyStateStore,
// KIP-813), as the nodes and stores they add to the builder.
import type { Serde } from "../serdes/serde.js";
import type { AnySupplier } from "./builder-specs.js";
import type { InternalTopologyBuilder } from "./internal-topology-builder.js";
import type { AnyProcessorSupplier } from "./processor.js";
import { unpackSupplier } from "./processor.js";
import type { StateStoreOptions } from "./store-options.js";
import { storeSpecOf, versionedStoreSpecOf } from "./store-options.js";
import type { TimestampExtractor } from "./timestamp-extractor.js";

/** How the source of a global or read-only store reads its topic: serdes and timestamp extractor. */
export interface StoreSourceOptions<K = unknown, V = unknown> {
  key?: Serde<K>;
  value?: Serde<V>;
  /** The config's defaultTimestampExtractor when absent. */
  timestampExtractor?: TimestampExtractor;
}

/** The nodes of a global store, which the global thread runs on every instance. */
export function addGlobalStoreTo<K, V>(
  builder: InternalTopologyBuilder,
  store: StateStoreOptions<K, V>,
  source: { name: string; topic: string; options: StoreSourceOptions<K, V> },
  processorName: string,
  stateUpdateSupplier: AnyProcessorSupplier<K, V, never, never>,
): void {
  const unpacked = unpackSupplier(stateUpdateSupplier);
  builder.addGlobalStore({
    store: {
      name: store.name,
      ...(store.timestamped !== undefined ? { timestamped: store.timestamped } : {}),
      keySerde: store.key as Serde<unknown>,
      valueSerde: store.value as Serde<unknown>,
      ...(store.persistent !== undefined ? { persistent: store.persistent } : {}),
      // A versioned global store stays versioned (Kafka Streams' versioned global tables, KIP-914).
      ...versionedStoreSpecOf(store),
      userAdded: false,
      serdeHint: `pass { {part}: <serde> } in the store given to addGlobalStore()`,
    },
    sourceName: source.name,
    topic: source.topic,
    keySerde: source.options.key as Serde<unknown> | undefined,
    valueSerde: source.options.value as Serde<unknown> | undefined,
    timestampExtractor: source.options.timestampExtractor,
    processorName,
    operation: "globalStore",
    supplier: unpacked.supplier as AnySupplier,
  });
}

/**
 * Kafka Streams' addReadOnlyStateStore: a source reading `topic` from the earliest offset,
 * the processor that keeps the store from it, and the store, which logs nothing: the topic
 * is its changelog (connectSourceStoreAndTopic), so it should be compacted. Unlike a global
 * store it is partitioned like any task's store, and other processors may be connected to it.
 */
export function addReadOnlyStoreTo<K, V>(
  builder: InternalTopologyBuilder,
  store: StateStoreOptions<K, V>,
  source: { name: string; topic: string; options: StoreSourceOptions<K, V> },
  processorName: string,
  stateUpdateSupplier: AnyProcessorSupplier<K, V, never, never>,
): void {
  const unpacked = unpackSupplier(stateUpdateSupplier);
  builder.addSource({
    name: source.name,
    topics: [source.topic],
    autoOffsetReset: "earliest",
    keySerde: source.options.key as Serde<unknown> | undefined,
    valueSerde: source.options.value as Serde<unknown> | undefined,
    timestampExtractor: source.options.timestampExtractor,
  });
  builder.addProcessor({
    name: processorName,
    operation: "readOnlyStore",
    supplier: unpacked.supplier as AnySupplier,
    parents: [source.name],
  });
  builder.addStore({ ...storeSpecOf(store as StateStoreOptions<unknown, unknown>), logging: false });
  builder.connectStores(processorName, [store.name]);
  builder.connectSourceStoreAndTopic(store.name, source.topic);
  for (const other of unpacked.stores) {
    builder.addStore(storeSpecOf(other));
    builder.connectStores(processorName, [other.name]);
  }
}
