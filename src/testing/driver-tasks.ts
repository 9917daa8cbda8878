// The TopologyTestDriver's tasks: one per sub-topology (`<id>_0`), the global stores'
// first, each the same TaskExecutor as in the Kafka runtime over its own storage (in
// memory, or LevelDB in the state directory).
import type { RecordCollector } from "../engine/record-collector.js";
import { TaskExecutor } from "../engine/task-executor.js";
import { taskId } from "../engine/task-id.js";
import { taskStoreOf } from "../engine/task-stores.js";
import { InMemoryTaskStorage } from "../stores/in-memory-task-storage.js";
import type { KeyValueStore } from "../stores/key-value-store.js";
import { LevelDbTaskStorage } from "../stores/leveldb-task-storage.js";
import type { RecordCache } from "../stores/record-cache.js";
import type { StateStore } from "../stores/state-store.js";
import type { TaskStorage } from "../stores/task-storage.js";
import type { TimestampExtractor } from "../topology/timestamp-extractor.js";
import type { Topology } from "../topology/topology.js";
import type { DriverChangelogs } from "./driver-changelogs.js";

export interface DriverTask {
  readonly subtopology: number;
  readonly executor: TaskExecutor;
  readonly storage: TaskStorage;
  readonly stores: Map<string, StateStore>;
}

export interface DriverTaskOptions {
  readonly topology: Topology;
  readonly applicationId: string;
  /** Where LevelDB stores live; in-memory stores without it. */
  readonly stateDir: string | undefined;
  readonly collector: RecordCollector;
  readonly clock: () => number;
  readonly appConfigs: Readonly<Record<string, unknown>>;
  readonly onDroppedRecord: () => void;
  readonly defaultTimestampExtractor: TimestampExtractor | undefined;
  readonly recordCache: RecordCache | undefined;
  /** Where the stores' writes become changelog records. */
  readonly changelogs: DriverChangelogs;
}

/** Opens every task, each sub-topology's, by its id. */
export async function startDriverTasks(options: DriverTaskOptions): Promise<Map<number, DriverTask>> {
  const { topology, applicationId, stateDir } = options;
  const tasks = new Map<number, DriverTask>();
  // Global stores first: every task reads them. Their records are processed as they
  // arrive, as Kafka Streams' driver updates global stores at once.
  const globalStores = new Map<string, KeyValueStore<unknown, unknown>>();
  const subtopologies = [...topology.globalStores.map((global) => global.subtopology), ...topology.subtopologies];
  const globals = new Set(topology.globalStores.map((global) => global.subtopology.id));
  for (const subtopology of subtopologies) {
    // A global store has no changelog: its topic is one.
    const logged = !globals.has(subtopology.id);
    const id = taskId(subtopology.id, 0);
    const storage: TaskStorage =
      stateDir !== undefined
        ? await LevelDbTaskStorage.open({
            stateDir,
            applicationId,
            taskId: id,
            timestampedStores: topology
              .storesOf(subtopology.id)
              .filter((store) => store.timestamped)
              .map((store) => store.name),
          })
        : new InMemoryTaskStorage(id);
    const stores = new Map<string, StateStore>();
    const executor = await TaskExecutor.create({
      topology,
      applicationId,
      subtopology: subtopology.id,
      partition: 0,
      collector: options.collector,
      clock: options.clock,
      appConfigs: options.appConfigs,
      onDroppedRecord: options.onDroppedRecord,
      globalStores,
      ...(options.defaultTimestampExtractor === undefined
        ? {}
        : { defaultTimestampExtractor: options.defaultTimestampExtractor }),
      stores: {
        getStore: (definition, task) => {
          const bytes = storage.store(definition.name);
          const written = logged ? options.changelogs.bytesOf(definition, bytes, task) : bytes;
          const store = taskStoreOf(definition, written, task, options.recordCache);
          stores.set(definition.name, store);
          return store;
        },
      },
    });
    tasks.set(subtopology.id, { subtopology: subtopology.id, executor, storage, stores });
    for (const global of topology.globalStores) {
      const store = global.subtopology === subtopology ? stores.get(global.store) : undefined;
      if (store !== undefined) globalStores.set(global.store, store as KeyValueStore<unknown, unknown>);
    }
  }
  return tasks;
}
