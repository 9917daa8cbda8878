// How a task gets its stores. The Kafka runtime gives overlay-backed, change-logging
// stores (writes land in the task's transaction overlay and its changelog topic); the
// TopologyTestDriver gives plain typed stores over in-memory or LevelDB bytes stores.
// Either way the executor only sees KeyValueStores typed by the definition's serdes.
import type { KeyValueStore } from "../stores/key-value-store.js";
import type { StoreDefinition } from "../topology/topology.js";

export interface StateStoreProvider {
  /**
   * The task's store for this definition, open and ready (restored, in the runtime).
   * Called once per store of the sub-topology when the executor is created; closing the
   * stores is the provider's business, after TaskExecutor.close().
   */
  getStore(definition: StoreDefinition): KeyValueStore<unknown, unknown> | Promise<KeyValueStore<unknown, unknown>>;
}
