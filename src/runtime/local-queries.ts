// The interactive queries' half of a running instance (Kafka Streams' KafkaStreams.store,
// queryMetadataForKey, metadataForLocalThreads): what the tasks hosted here hold, read
// from their committed LevelDB state, and which instance hosts any other key. It reads
// the running instance through a view, so it answers "not started" before start() and
// after close() without holding anything open itself.
import { partitionForKey } from "../kafka/partitioner.js";
import type { PartitionReader } from "../kafka/partition-reader.js";
import { topicPartitionKey } from "../kafka/types.js";
import type { TopicPartitionOffset } from "../kafka/types.js";
import type { KeyValueStore, ReadOnlyKeyValueStore } from "../stores/key-value-store.js";
import { ReadOnlyKeyValueView } from "../stores/read-only-key-value-view.js";
import {
  keyValueStoreOf,
  plainKeyValueStoreOf,
  sessionStoreOf,
  versionedStoreOf,
  windowStoreOf,
} from "../engine/task-stores.js";
import type { ReadOnlyVersionedKeyValueStore } from "../stores/versioned-key-value-store.js";
import { WindowStoreFacade } from "../stores/window-store-facade.js";
import type { ReadOnlyWindowStore } from "../stores/window-store.js";
import type { ReadOnlySessionStore } from "../stores/session-store.js";
import { CompositeReadOnlySessionStore, CompositeReadOnlyWindowStore } from "../stores/composite-window-stores.js";
import type { ValueAndTimestamp } from "../stores/value-and-timestamp.js";
import type { TaskStorage } from "../stores/task-storage.js";
import { parseTaskId, taskId as formatTaskId } from "../engine/task-id.js";
import type { TaskId } from "../engine/task-id.js";
import type { SerdeContext, Serializer } from "../serdes/serde.js";
import type { StoreDefinition, Topology } from "../topology/topology.js";
import { queryKeyTopic, storeSerdeTopic } from "../topology/topology.js";
import type { HostTasks } from "./assignor.js";
import type { ChangelogReader } from "./changelog-reader.js";
import { StoreNotQueryableError } from "./errors.js";
import type { StreamsMetrics } from "./metrics.js";
import type { ReadWait } from "./read-gate.js";
import type { StreamThread } from "./stream-thread.js";
import type { GlobalStreamThread } from "./global-stream-thread.js";
import type { KeyQueryMetadata, LocalTaskMetadata, StoreMetadata, StoreQueryOptions } from "./streams-metadata.js";
import type { SubtopologyMetadata, TopologyMetadata } from "./topology-metadata.js";

/** What queries read of a running instance; parts are missing until start() opened them. */
export interface RunningView {
  readonly metadata?: TopologyMetadata;
  readonly thread?: StreamThread;
  readonly reader?: PartitionReader;
  readonly changelogReader?: ChangelogReader;
  readonly globalThread?: GlobalStreamThread;
}

export class LocalQueries {
  readonly #topology: Topology;
  readonly #applicationId: string;
  readonly #metrics: StreamsMetrics;
  readonly #running: () => RunningView | undefined;
  /** The committed views store() hands out, by task storage (a task reopened gets a new storage). */
  readonly #queryKeyContexts = new WeakMap<SubtopologyMetadata, Map<string, SerdeContext>>();
  readonly #views = new WeakMap<TaskStorage, Map<string, ReadOnlyKeyValueView<unknown, unknown>>>();

  constructor(
    topology: Topology,
    applicationId: string,
    metrics: StreamsMetrics,
    running: () => RunningView | undefined,
  ) {
    this.#topology = topology;
    this.#applicationId = applicationId;
    this.#metrics = metrics;
    this.#running = running;
  }

  /**
   * What queryMetadataForKey() tells the key serializer (store-serde-topic.ts), chosen once
   * per store and metadata: the HTTP API asks for every lookup.
   */
  #queryKeyContext(definition: StoreDefinition, sub: SubtopologyMetadata): SerdeContext {
    let contexts = this.#queryKeyContexts.get(sub);
    if (contexts === undefined) {
      contexts = new Map();
      this.#queryKeyContexts.set(sub, contexts);
    }
    let context = contexts.get(definition.name);
    if (context === undefined) {
      const topic = queryKeyTopic(this.#topology, this.#applicationId, definition, sub.topicPartitions);
      context = { ...(topic === undefined ? {} : { topic }), store: definition.name, part: "key" };
      contexts.set(definition.name, context);
    }
    return context;
  }

  /** What a queried store's serdes are told: what the task's store tells them (store-serde-topic.ts). */
  #serdeTopic(definition: StoreDefinition): string {
    return storeSerdeTopic(this.#topology, this.#applicationId, definition);
  }

  hostMap(): ReadonlyMap<string, HostTasks> {
    return this.#running()?.thread?.taskManager.hostMap ?? new Map();
  }

  isActiveTaskRunning(taskId: TaskId): boolean {
    const manager = this.#running()?.thread?.taskManager;
    if (manager?.activeTask(taskId)?.state !== "running") return false;
    // A revoked task processes until the asynchronous half of the rebalance closes it;
    // it stops counting as soon as the assignment that revoked it arrived.
    return manager.assignedTasks().active.includes(taskId);
  }

  assignedTasks(): { active: TaskId[]; standby: TaskId[] } {
    return this.#running()?.thread?.taskManager.assignedTasks() ?? { active: [], standby: [] };
  }

  async localTasks(): Promise<LocalTaskMetadata[]> {
    const manager = this.#running()?.thread?.taskManager;
    const { metadata, reader, changelogReader } = this.#running() ?? {};
    if (!manager || !metadata || !reader || !changelogReader) return [];
    const out: LocalTaskMetadata[] = [];
    for (const task of manager.activeTasks()) {
      const restore = this.#metrics.restoreByTask.get(task.id);
      const partitions = task.lag();
      out.push({
        taskId: task.id,
        kind: "active",
        state:
          task.state === "running"
            ? "running"
            : task.state === "failed"
              ? "failed"
              : task.state === "suspended"
                ? "suspended"
                : "restoring",
        partitions,
        lag: partitions.reduce((sum, p) => sum + p.lag, 0),
        restore: restore && {
          restored: restore.restored,
          total: restore.total,
          recordsPerSecond: restore.recordsPerSecond,
          done: restore.done,
        },
      });
    }
    const standbys = manager.standbyTasks();
    const changelogs = standbys.flatMap((t) => metadata.standbyChangelogPartitionsOf(t.id));
    const ends =
      changelogs.length > 0
        ? await reader.endOffsets(changelogs).catch(() => new Map<string, number>())
        : new Map<string, number>();
    for (const task of standbys) {
      const positions = changelogReader.standbyPositions(task.id) ?? new Map<string, number>();
      let lag = 0;
      const partitions = metadata.changelogPartitionsOf(task.id).map((c) => {
        const key = topicPartitionKey(c);
        const position = positions.get(key);
        const behind = position === undefined ? 0 : Math.max(0, (ends.get(key) ?? position) - position);
        lag += behind;
        return { topic: c.topic, partition: c.partition, lag: behind };
      });
      out.push({ taskId: task.id, kind: "standby", state: "standby", partitions, lag, restore: undefined });
    }
    return out;
  }

  stores(): StoreMetadata[] {
    const metadata = this.#running()?.metadata;
    return [...this.#topology.stores.values()].map((store) => {
      const sub = metadata?.subtopologyOfStore(store.name);
      return {
        name: store.name,
        keySerde: store.keySerde.name,
        valueSerde: store.valueSerde.name,
        subtopology: store.subtopology,
        partitions:
          store.global === true
            ? (this.#running()?.globalThread?.partitionCount(store.name) ?? 0)
            : (sub?.partitions ?? 0),
        // A global store's changelog is its topic (read, never written, by Eddy).
        changelogTopic:
          store.global === true
            ? this.#topology.globalStores.find((global) => global.store === store.name)?.topic
            : sub?.changelogTopics.get(store.name),
        persistent: store.persistent,
        global: store.global === true,
      };
    });
  }

  queryMetadataForKey<K>(store: string, key: K, keySerializer?: Serializer<K>): KeyQueryMetadata {
    const definition = this.#topology.stores.get(store);
    if (!definition) throw new StoreNotQueryableError(store, `The topology has no store "${store}"`);
    const sub = this.#running()?.metadata?.subtopologyOfStore(store);
    if (!sub || sub.partitions === 0) {
      throw new StoreNotQueryableError(store, `Store "${store}" is not available yet: the instance has not started`);
    }
    const serializer = keySerializer ?? (definition.keySerde as Serializer<K>);
    const bytes = serializer.serialize(key, this.#queryKeyContext(definition, sub));
    const partition = partitionForKey(bytes, sub.partitions);
    const taskId = formatTaskId(sub.id, partition);
    let activeHost: string | undefined;
    const standbyHosts: string[] = [];
    for (const [host, tasks] of this.hostMap()) {
      if (tasks.active.includes(taskId)) activeHost = host;
      if (tasks.standby.includes(taskId)) standbyHosts.push(host);
    }
    return { store, partition, taskId, activeHost, standbyHosts };
  }

  store<K, V>(store: string, taskId: TaskId, options: StoreQueryOptions = {}): ReadOnlyKeyValueStore<K, V> {
    const { definition, storage } = this.#queryableStorage(store, taskId, options);
    if (definition.type !== "keyValue") {
      throw new StoreNotQueryableError(
        store,
        `Store "${store}" is a ${definition.type} store, not a key-value store${definition.type === "window" ? ": query it with windowStore()" : definition.type === "session" ? ": query it with sessionStore()" : ""}`,
      );
    }
    // The committed bytes (LevelDB), never the open transaction's overlay; plain values
    // even where the store keeps timestamps, as Kafka Streams' keyValueStore() queries.
    // One view per task storage and store: the layers hold no state of their own, and
    // every point lookup would otherwise make three objects before reading.
    let views = this.#views.get(storage);
    if (views === undefined) {
      views = new Map();
      this.#views.set(storage, views);
    }
    let view = views.get(store);
    if (view === undefined) {
      view = new ReadOnlyKeyValueView(
        plainKeyValueStoreOf(
          definition,
          keyValueStoreOf(definition, storage.store(store), this.#serdeTopic(definition)),
        ),
      );
      views.set(store, view);
    }
    return view as ReadOnlyKeyValueStore<K, V>;
  }

  /** A window store of task `taskId` hosted here: read-only, committed state, plain values. */
  windowStore<K, V>(store: string, taskId: TaskId, options: StoreQueryOptions = {}): ReadOnlyWindowStore<K, V> {
    const { definition, storage } = this.#queryableStorage(store, taskId, options);
    if (definition.type !== "window") {
      throw new StoreNotQueryableError(store, `Store "${store}" is a ${definition.type} store, not a window store`);
    }
    // Expired by the store's committed stream time, as the state it reads is committed.
    const windows = windowStoreOf(
      definition,
      storage.store(store),
      this.#serdeTopic(definition),
      storage.streamTimes.of(store),
    );
    return definition.timestamped
      ? new WindowStoreFacade(windows as unknown as ReadOnlyWindowStore<K, ValueAndTimestamp<V>>)
      : (windows as unknown as ReadOnlyWindowStore<K, V>);
  }

  /**
   * A window store over every task hosted here that holds it (Kafka Streams'
   * CompositeReadOnlyWindowStore): a key's windows from the task that has them, fetchAll
   * and all across every task.
   */
  localWindowStore<K, V>(store: string, options: StoreQueryOptions = {}): ReadOnlyWindowStore<K, V> {
    this.#checkType(store, "window");
    return new CompositeReadOnlyWindowStore<K, V>(store, () =>
      this.#localTaskIds(store, options).map((taskId) => this.windowStore<K, V>(store, taskId, options)),
    );
  }

  /**
   * A versioned store of task `taskId` hosted here (Kafka Streams' VersionedKeyQuery and
   * MultiVersionedKeyQuery): committed state, bounded by the history the running task's
   * store has seen, so that a read older than the history answers as the store itself
   * would. A standby's copy, or a task restoring, is bounded by the stream time its
   * changelog updates brought (the storage's clock).
   */
  versionedStore<K, V>(
    store: string,
    taskId: TaskId,
    options: StoreQueryOptions = {},
  ): ReadOnlyVersionedKeyValueStore<K, V> {
    const { definition, storage } = this.#queryableStorage(store, taskId, options);
    if (definition.type !== "versioned") {
      throw new StoreNotQueryableError(store, `Store "${store}" is a ${definition.type} store, not a versioned store`);
    }
    const committed = storage.streamTimes.of(store);
    // The running task's store may have gone past its last commit.
    const running = this.#running()?.thread?.taskManager.activeTask(taskId)?.storeStreamTime(store);
    const streamTime =
      running !== undefined && running > committed.time ? { time: running, cleanedBelowSegment: 0 } : committed;
    return versionedStoreOf(
      definition,
      storage.store(store),
      this.#serdeTopic(definition),
      streamTime,
    ) as unknown as ReadOnlyVersionedKeyValueStore<K, V>;
  }

  /** A session store of task `taskId` hosted here: read-only, committed state. */
  sessionStore<K, V>(store: string, taskId: TaskId, options: StoreQueryOptions = {}): ReadOnlySessionStore<K, V> {
    const { definition, storage } = this.#queryableStorage(store, taskId, options);
    if (definition.type !== "session") {
      throw new StoreNotQueryableError(store, `Store "${store}" is a ${definition.type} store, not a session store`);
    }
    return sessionStoreOf(
      definition,
      storage.store(store),
      this.#serdeTopic(definition),
      storage.streamTimes.of(store),
    ) as unknown as ReadOnlySessionStore<K, V>;
  }

  /** A session store over every task hosted here that holds it (Kafka Streams' CompositeReadOnlySessionStore). */
  localSessionStore<K, V>(store: string, options: StoreQueryOptions = {}): ReadOnlySessionStore<K, V> {
    this.#checkType(store, "session");
    return new CompositeReadOnlySessionStore<K, V>(store, () =>
      this.#localTaskIds(store, options).map((taskId) => this.sessionStore<K, V>(store, taskId, options)),
    );
  }

  #checkType(store: string, type: "window" | "session"): void {
    const definition = this.#topology.stores.get(store);
    if (!definition) throw new StoreNotQueryableError(store, `The topology has no store "${store}"`);
    if (definition.type !== type) {
      throw new StoreNotQueryableError(store, `Store "${store}" is a ${definition.type} store, not a ${type} store`);
    }
  }

  /**
   * The tasks hosted here whose `store` can be read now: running active tasks, and with
   * `allowStale` restoring ones and standbys too. None: the store may have moved (Kafka
   * Streams' InvalidStateStoreException), and the caller should ask again later.
   */
  #localTaskIds(store: string, options: StoreQueryOptions): TaskId[] {
    const definition = this.#topology.stores.get(store);
    const manager = this.#running()?.thread?.taskManager;
    const ofStore = (taskId: TaskId) => parseTaskId(taskId).subtopology === definition?.subtopology;
    const taskIds: TaskId[] = [];
    for (const task of manager?.activeTasks() ?? []) {
      if (!ofStore(task.id) || task.storage?.isOpen !== true) continue;
      if (task.state === "running" || options.allowStale === true) taskIds.push(task.id);
    }
    if (options.allowStale === true) {
      for (const task of manager?.standbyTasks() ?? []) {
        if (ofStore(task.id) && task.storage?.isOpen === true) taskIds.push(task.id);
      }
    }
    if (taskIds.length === 0) {
      throw new StoreNotQueryableError(
        store,
        `Store "${store}" cannot be queried here: no task hosted here holds it${options.allowStale === true ? "" : " in a running state"}; it may have moved to another instance, or be restoring`,
      );
    }
    return taskIds.sort();
  }

  #queryableStorage(
    store: string,
    taskId: TaskId,
    options: StoreQueryOptions,
  ): { definition: StoreDefinition; storage: TaskStorage } {
    const definition = this.#topology.stores.get(store);
    if (!definition) throw new StoreNotQueryableError(store, `The topology has no store "${store}"`);
    if (parseTaskId(taskId).subtopology !== definition.subtopology) {
      throw new StoreNotQueryableError(store, `Store "${store}" does not belong to task ${taskId}`);
    }
    const manager = this.#running()?.thread?.taskManager;
    const active = manager?.activeTask(taskId);
    let storage = active?.state === "running" ? active.storage : undefined;
    if (!storage && options.allowStale) storage = active?.storage ?? manager?.standbyTask(taskId)?.storage;
    if (!storage || !storage.isOpen) {
      const why = active
        ? `task ${taskId} is ${active.state}`
        : manager?.standbyTask(taskId)
          ? `task ${taskId} is a standby here`
          : `task ${taskId} is not hosted here`;
      throw new StoreNotQueryableError(store, `Store "${store}" cannot be queried here: ${why}`);
    }
    return { definition, storage };
  }

  /**
   * A global store (a GlobalKTable's, or one added with addGlobalStore), read here: every
   * instance holds all of it, so no routing (Kafka Streams' queryable global stores). Plain
   * values, as store() gives. Throws StoreNotQueryableError before the global stores are
   * restored, or for a store that is not global.
   */
  globalStore<K, V>(store: string): ReadOnlyKeyValueStore<K, V> {
    const definition = this.#topology.stores.get(store);
    if (definition?.global !== true) {
      throw new StoreNotQueryableError(store, `The topology has no global store "${store}"`);
    }
    const typed = this.#running()?.globalThread?.stores.get(store);
    if (typed === undefined) {
      throw new StoreNotQueryableError(store, `Global store "${store}" is not restored yet: the instance is starting`);
    }
    return new ReadOnlyKeyValueView(plainKeyValueStoreOf(definition, typed) as KeyValueStore<K, V>);
  }

  awaitReadable(taskId: TaskId, bound: readonly TopicPartitionOffset[], timeoutMs: number): ReadWait {
    return this.#running()?.thread?.taskManager.activeTask(taskId)?.awaitReadable(bound, timeoutMs);
  }
}
