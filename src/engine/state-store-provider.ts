// How a task gets its stores. The Kafka runtime gives overlay-backed, change-logging
// stores (writes land in the task's transaction overlay and its changelog topic); the
// TopologyTestDriver gives typed stores over in-memory or LevelDB bytes stores. Either
// way a store is typed by the definition's serdes, and a cached one (the record cache)
// learns the record context of its writes from the executor (task-stores.ts).
import type { CacheContext } from "../stores/cached-store.js";
import type { StateStore } from "../stores/state-store.js";
import type { RecordContext } from "../topology/record.js";
import type { StoreDefinition } from "../topology/topology.js";

/** What the executor tells the provider about the task a store is made for. */
export interface TaskStoreContext {
  readonly taskId: string;
  /** For cached stores: the context of each write, and the context a flush forwards in. */
  readonly cache: CacheContext<RecordContext>;
  /**
   * The topic the store's serdes are told, as Kafka Streams' stores tell theirs
   * (src/topology/store-serde-topic.ts): its changelog, or the name that would have.
   */
  serdeTopic(definition: StoreDefinition): string;
}

export interface StateStoreProvider {
  /**
   * The task's store for this definition, open and ready (restored, in the runtime).
   * Called once per store of the sub-topology when the executor is created; closing the
   * stores is the provider's business, after TaskExecutor.close() (which drops the
   * stores' record cache).
   */
  getStore(definition: StoreDefinition, task: TaskStoreContext): StateStore | Promise<StateStore>;
}
