// The query-facing side of a running KafkaStreams instance: what the HTTP layer (and
// users) may ask without knowing anything about Kafka clients or tasks' internals.
// Everything here reads committed state: store views are over the tasks' LevelDB
// (never the open transaction's overlay), the host map is the one the group leader
// sent with the last assignment.
import type { StalledTask } from "./progress-monitor.js";
import type { ReadOnlyKeyValueStore } from "../stores/key-value-store.js";
import type { ReadOnlySessionStore } from "../stores/session-store.js";
import type { ReadOnlyWindowStore } from "../stores/window-store.js";
import type { ReadOnlyVersionedKeyValueStore } from "../stores/versioned-key-value-store.js";
import type { Serializer } from "../serdes/serde.js";
import type { TopicPartition, TopicPartitionOffset } from "../kafka/types.js";
import type { HostTasks } from "./assignor.js";
import type { ReadWait } from "./read-gate.js";
import type { StreamsMetricsSnapshot } from "./metrics.js";
import type { StreamsState } from "./streams-state.js";
import type { TaskId } from "../engine/task-id.js";

export interface StoreMetadata {
  readonly name: string;
  /** Names of the store's serdes ("string", "json", ...), for docs and GET /stores. */
  readonly keySerde: string;
  readonly valueSerde: string;
  readonly subtopology: number;
  /** Number of tasks (and partitions) the store is split into. */
  readonly partitions: number;
  readonly changelogTopic: string | undefined;
  readonly persistent: boolean;
  /** A global store: the whole of its topic on every instance, queried locally (globalStore()), never routed. */
  readonly global: boolean;
}

/** Where the value of a key lives: Kafka Streams' KeyQueryMetadata. */
export interface KeyQueryMetadata {
  readonly store: string;
  readonly partition: number;
  readonly taskId: TaskId;
  /** host:port of the instance with the active task, if known (and if it serves queries). */
  readonly activeHost: string | undefined;
  readonly standbyHosts: readonly string[];
}

export type LocalTaskState = "restoring" | "running" | "suspended" | "failed" | "standby";

export interface LocalTaskMetadata {
  readonly taskId: TaskId;
  readonly kind: "active" | "standby";
  readonly state: LocalTaskState;
  /**
   * Input partitions (active) or changelog partitions (standby), each with its lag: records
   * between the task's position and the partition's end, transaction markers not counted.
   */
  readonly partitions: readonly (TopicPartition & { readonly lag: number })[];
  /** Records behind the partition ends, over the task's partitions: input lag (active), changelog lag (standby). */
  readonly lag: number;
  /** Progress of the current or last restore (active tasks). */
  readonly restore:
    | { readonly restored: number; readonly total: number; readonly recordsPerSecond: number; readonly done: boolean }
    | undefined;
}

export interface StoreQueryOptions {
  /** Let a standby (or a restoring task's last committed state) answer; the caller marks such answers stale. */
  readonly allowStale?: boolean;
}

/** What the HTTP layer uses; KafkaStreams implements it. */
export interface QueryableStreams {
  readonly applicationId: string;
  /** This instance's host:port, when it serves queries. */
  readonly applicationServer: string | undefined;
  state(): StreamsState;
  /** RUNNING, and every assigned active task restored and processing. */
  isReady(): boolean;
  /** Tasks that cannot make progress, with the reason (a repeated failure, a crash or rebalance loop). */
  stalledTasks(): StalledTask[];
  /** host:port -> active and standby tasks, for every instance with an application server. */
  hostMap(): ReadonlyMap<string, HostTasks>;
  /**
   * Whether `taskId` is assigned here as an active task and processing (restored, not
   * revoked): the synchronous check that a local read is fresh, before and after it.
   */
  isActiveTaskRunning(taskId: TaskId): boolean;
  /** The tasks this instance was assigned (as the leader sent them). */
  assignedTasks(): { readonly active: readonly TaskId[]; readonly standby: readonly TaskId[] };
  /** The tasks this instance hosts, with their state and lag. */
  localTasks(): Promise<LocalTaskMetadata[]>;
  stores(): StoreMetadata[];
  /**
   * Which partition, task and hosts hold `key` in `store`: the key is serialized with
   * the store's key serde (or `keySerializer`) and partitioned with Kafka's murmur2
   * over the store's partition count, as a producer would partition it.
   */
  queryMetadataForKey<K>(store: string, key: K, keySerializer?: Serializer<K>): KeyQueryMetadata;
  /**
   * A read-only view of the committed state of `store` in task `taskId`, hosted here.
   * Throws StoreNotQueryableError when the task is not hosted here, or is not running
   * (restoring, or a standby) and `allowStale` is not set.
   * Reads do not wait for the task's read gate, as Kafka Streams' interactive queries do not:
   * a reader inside the task's own processing (a punctuator, a handler) would wait on itself.
   * The HTTP lookups wait, for read-your-writes across instances.
   */
  store<K, V>(store: string, taskId: TaskId, options?: StoreQueryOptions): ReadOnlyKeyValueStore<K, V>;
  /** As store(), for a window store: fetch(key, from, to), backwardFetch, fetchAll (plain values). */
  windowStore<K, V>(store: string, taskId: TaskId, options?: StoreQueryOptions): ReadOnlyWindowStore<K, V>;
  /** As store(), for a session store: fetch(key), findSessions(key, earliestEnd, latestStart). */
  sessionStore<K, V>(store: string, taskId: TaskId, options?: StoreQueryOptions): ReadOnlySessionStore<K, V>;
  /** As store(), for a versioned store: get(key), get(key, asOf), versions(key, { fromTime, toTime, order }). */
  versionedStore<K, V>(
    store: string,
    taskId: TaskId,
    options?: StoreQueryOptions,
  ): ReadOnlyVersionedKeyValueStore<K, V>;
  /**
   * Read-your-writes: what a read of the running active task `taskId` must wait for so
   * that it sees every output the task made visible (a command's reply) and the input
   * records `bound` names (Kafka Streams' PositionBound: the offset of each record to
   * reflect; bounds on other partitions are ignored). undefined: read now. Throws
   * PositionNotApplicableError for a bound on a topic the task does not read.
   */
  awaitReadable(taskId: TaskId, bound: readonly TopicPartitionOffset[], timeoutMs: number): ReadWait;
  /**
   * A global store (GlobalKTable, addGlobalStore), read-only, plain values: every instance
   * holds all of it, so the query is answered here. Throws StoreNotQueryableError for a
   * store that is not global, or before the global stores are restored.
   */
  globalStore<K, V>(store: string): ReadOnlyKeyValueStore<K, V>;
  metrics(): StreamsMetricsSnapshot;
}
