// Which stores the DSL makes when nothing more specific is said (Kafka Streams'
// DslStoreSuppliers: default.dsl.store and dsl.store.suppliers.class): "rocksDB", Kafka
// Streams' persistent stores, which are Eddy's LevelDB stores, or "in_memory". A store's
// own `persistent` option comes first, then the topology's (the StreamsBuilder's
// TopologyConfig), then the application's.
import { InvalidOperationError } from "./errors.js";
import type { StoreDefinition, TopologyData } from "./topology-data.js";

export type DslStoreSuppliers = "rocksDB" | "in_memory";

/** Kafka Streams' BuiltInDslStoreSuppliers, and StreamsConfig.ROCKS_DB / IN_MEMORY. */
export const BuiltInDslStoreSuppliers = Object.freeze({ ROCKS_DB: "rocksDB", IN_MEMORY: "in_memory" } as const);

/** Whether DSL stores of this kind are persistent; undefined when no kind is given. */
export function dslStoresPersistent(suppliers: unknown, field: string): boolean | undefined {
  if (suppliers === undefined) return undefined;
  if (suppliers === BuiltInDslStoreSuppliers.ROCKS_DB) return true;
  if (suppliers === BuiltInDslStoreSuppliers.IN_MEMORY) return false;
  throw new InvalidOperationError(`${field} must be "rocksDB" or "in_memory", not ${JSON.stringify(suppliers)}`);
}

/**
 * Whether a store is persistent: as its options say; else a user's store is (Kafka
 * Streams' StoreBuilders name their kind), a DSL store as the topology says, and failing
 * that persistent until the application's config says otherwise (`persistentByDefault`).
 */
export function storePersistence(
  explicit: boolean | undefined,
  userStore: boolean,
  topologyDefault: boolean | undefined,
): { persistent: boolean; persistentByDefault: boolean } {
  if (explicit !== undefined) return { persistent: explicit, persistentByDefault: false };
  if (userStore) return { persistent: true, persistentByDefault: false };
  if (topologyDefault !== undefined) return { persistent: topologyDefault, persistentByDefault: false };
  return { persistent: true, persistentByDefault: true };
}

/** The application's dslStoreSuppliers (else defaultDslStore) applied to the stores nothing else chose a kind for. */
export function resolveDslStores(
  data: TopologyData,
  config: { dslStoreSuppliers?: unknown; defaultDslStore?: unknown },
): TopologyData {
  const persistent =
    dslStoresPersistent(config.dslStoreSuppliers, "dslStoreSuppliers") ??
    dslStoresPersistent(config.defaultDslStore, "defaultDslStore");
  if (persistent === undefined || persistent) return data;
  const byDefault = [...data.stores.values()].filter((store) => store.persistentByDefault === true);
  if (byDefault.length === 0) return data;
  const stores = new Map<string, StoreDefinition>(data.stores);
  for (const store of byDefault) stores.set(store.name, Object.freeze({ ...store, persistent }));
  return { ...data, stores };
}
