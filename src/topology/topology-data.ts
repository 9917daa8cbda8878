// The Topology as plain data: what StreamsBuilder.build() produces and what the runtime,
// the TopologyTestDriver, describe() and the HTML graph read. Nothing here refers back to
// the DSL classes: processors are reached only through their suppliers, which the
// runtime calls once per task.
import type { ZodType } from "zod";
import type { ProcessorSupplier, StreamPartitioner, TopicNameExtractor } from "./processor.js";
import type { Serde } from "../serdes/serde.js";
import type { StoreType } from "../stores/store-type.js";
import type { VersionedStoreSpec } from "../stores/versioned-key-schema.js";
import type { TimestampExtractor } from "./timestamp-extractor.js";
import type { DefaultSerdes } from "./default-serdes.js";

/**
 * Where a source starts reading a partition its application has never committed an
 * offset for: Kafka Streams' Topology.AutoOffsetReset (earliest by default, as Kafka
 * Streams), or "none" to fail instead.
 */
export type AutoOffsetReset = "earliest" | "latest" | "none";

interface TopologyNodeBase {
  readonly name: string;
  /** The id of the sub-topology the node belongs to. */
  readonly subtopology: number;
  /** Parents, in the order they were connected. */
  readonly predecessors: readonly string[];
  /** Children, in the order they were connected: the order forward() visits them. */
  readonly successors: readonly string[];
}

export interface SourceNode extends TopologyNodeBase {
  readonly kind: "source";
  /** The topics read; empty for a source that subscribes by `pattern`. */
  readonly topics: readonly string[];
  /** A regular-expression subscription: every topic whose whole name matches, including topics created later. */
  readonly pattern?: RegExp;
  /** Set when the source overrides where uncommitted partitions start (default: earliest). */
  readonly autoOffsetReset?: AutoOffsetReset;
  /** The topics are repartition topics of this application (prefix them with the application id). */
  readonly internal: boolean;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  /** stream()/table({ timestampExtractor }); the config's default when undefined. */
  readonly timestampExtractor?: TimestampExtractor | undefined;
}

export interface ProcessorNode extends TopologyNodeBase {
  readonly kind: "processor";
  /** What the node does, for humans and the graph page: "filter", "aggregate", "handle-commands", "process"... */
  readonly operation: string;
  /** The stores the processor may open with context.getStateStore(), in connection order. */
  readonly stores: readonly string[];
  readonly supplier: ProcessorSupplier<unknown, unknown, unknown, unknown>;
  /** Set on stream.handleCommands() processors (operation "handle-commands") only. */
  readonly commandHandler?: CommandHandlerInfo;
}

/**
 * What a handleCommands() processor accepts, kept as data so that whoever sends it
 * commands (the HTTP command endpoints) can check them before they reach Kafka.
 */
export interface CommandHandlerInfo {
  /**
   * The zod schema given as handleCommands({ command }); undefined when the handler
   * takes values as they come. It checks the value the handler receives, which is the
   * command topic's value only when nothing upstream changes values (see
   * value-preserving-operations.ts).
   */
  readonly schema: ZodType | undefined;
  /** The serde of the aggregate ids: the command stream's key serde, or handleCommands({ key }). */
  readonly keySerde: Serde<unknown>;
}

export interface SinkNode extends TopologyNodeBase {
  readonly kind: "sink";
  /** The fixed topic, or undefined when `topicExtractor` picks one per record. */
  readonly topic: string | undefined;
  readonly topicExtractor: TopicNameExtractor<unknown, unknown> | undefined;
  /** How describe() names the extractor (Kafka Streams prints its class). */
  readonly extractorDescription: string | undefined;
  readonly internal: boolean;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  readonly partitioner: StreamPartitioner<unknown, unknown> | undefined;
}

export type TopologyNode = SourceNode | ProcessorNode | SinkNode;

/** What a window or session store needs besides its serdes (Kafka Streams' WindowBytesStoreSupplier). */
export interface WindowedStoreSpec {
  /** A time window's size (its end is start + size); for a session store, unused (0). */
  readonly windowSizeMs: number;
  /** How long, in stream time, a window is kept: >= size + grace. */
  readonly retentionMs: number;
  /** A stream-stream join's store keeps every record of a key and time. */
  readonly retainDuplicates: boolean;
  /**
   * The store of an aggregation that emits on window close (Kafka Streams' time-ordered
   * window store): it still reads a window that starts at stream time - retention.
   */
  readonly timeOrdered?: boolean;
}

export interface StoreDefinition {
  readonly name: string;
  /** Key-value (the default), window, session, or suppress()'s buffer. */
  readonly type: StoreType;
  /**
   * Values are kept with the timestamp of the record that last changed them
   * (ValueAndTimestamp): the DSL's tables and aggregates, as in Kafka Streams since 2.3.
   * Processors then read and write ValueAndTimestamp; queries see plain values.
   */
  readonly timestamped: boolean;
  readonly keySerde: Serde<unknown>;
  /** The serde of the values themselves (without their timestamp). */
  readonly valueSerde: Serde<unknown>;
  /** LevelDB (true) or in-memory (false) in the runtime. */
  readonly persistent: boolean;
  /** A DSL store whose kind nothing in the topology chose: the config's dslStoreSuppliers may (Kafka Streams). */
  readonly persistentByDefault?: boolean;
  /** Backed by the compacted changelog topic `<applicationId>-<name>-changelog`. */
  readonly logging: boolean;
  /**
   * The source topic that is the store's changelog (Kafka Streams' connectSourceStoreAndTopic:
   * topology.optimization reuse.ktable.source.topics, Topology.addReadOnlyStateStore): the store
   * logs nothing and restores from that topic, up to the offset its task committed.
   */
  readonly sourceChangelog?: string;
  /**
   * Behind the record cache (cacheMaxBytes): its processor's updates of a key are folded
   * until the next commit and forwarded once, as Kafka Streams' cached stores.
   */
  readonly caching: boolean;
  /** A window or session store's windows and retention. */
  readonly windowed?: WindowedStoreSpec;
  /** A versioned store's history retention and segment interval (type "versioned"). */
  readonly versioned?: VersionedStoreSpec;
  /**
   * Eddy's bookkeeping rather than the application's state (a command handler's
   * idempotency keys and replies): the HTTP API does not serve it unless told to.
   */
  readonly internal?: boolean;
  /**
   * A global store: the whole of its topic on every instance (the topic is its changelog),
   * readable by every processor without being connected, queried locally.
   */
  readonly global?: boolean;
  /** The processors connected to the store. */
  readonly processors: readonly string[];
  readonly subtopology: number;
}

/** A task unit, as Kafka Streams' TopicsInfo: every task of it reads one partition of each source topic. */
export interface Subtopology {
  readonly id: number;
  /** Node names in the order they were added to the topology (describe() has its own order). */
  readonly nodes: readonly string[];
  /** User topics read by the sub-topology. */
  readonly sourceTopics: readonly string[];
  /** Repartition topics read by the sub-topology (logical names). */
  readonly repartitionSourceTopics: readonly string[];
  /** Fixed user topics written by the sub-topology (dynamic sinks are not listed). */
  readonly sinkTopics: readonly string[];
  /** Repartition topics written by the sub-topology (logical names). */
  readonly repartitionSinkTopics: readonly string[];
  readonly stores: readonly string[];
}

/**
 * A global store (Kafka Streams' GlobalStore): a source reading the whole topic on every
 * instance, outside the consumer group, and the processor that keeps the store. Its
 * sub-topology id counts in the numbering (describe() prints it "for global store") but
 * generates no tasks.
 */
export interface GlobalStore {
  readonly id: number;
  readonly store: string;
  readonly topic: string;
  readonly sourceNode: string;
  readonly processorNode: string;
  /** Its nodes and store, as a sub-topology the global thread (or the driver) runs. */
  readonly subtopology: Subtopology;
}

export interface RepartitionTopic {
  /** Logical name, e.g. "counts-store-repartition". */
  readonly name: string;
  /** Partitions asked for with repartition({ partitions }); otherwise the runtime sizes it like its upstream sources. */
  readonly partitions: number | undefined;
  readonly sinkNode: string;
  readonly sourceNode: string;
}

/**
 * Topics that a join reads together: their partitions must line up (same count, same
 * partitioner), so the runtime checks the real partition counts of `topics` and creates
 * the `repartitionTopics` with that count.
 */
export interface CopartitionGroup {
  /** The node that requires it (the join). */
  readonly requiredBy: string;
  readonly sourceNodes: readonly string[];
  readonly topics: readonly string[];
  readonly repartitionTopics: readonly string[];
}

export interface TopologyData {
  readonly nodes: ReadonlyMap<string, TopologyNode>;
  readonly subtopologies: readonly Subtopology[];
  readonly stores: ReadonlyMap<string, StoreDefinition>;
  readonly repartitionTopics: readonly RepartitionTopic[];
  readonly copartitionGroups: readonly CopartitionGroup[];
  /** GlobalKTables and addGlobalStore(): not in `subtopologies`, they run outside the tasks. */
  readonly globalStores?: readonly GlobalStore[];
  /**
   * The configuration's default serdes, once a runtime froze the topology with them:
   * what processors get from context.keySerde() / valueSerde().
   */
  readonly defaultSerdes?: DefaultSerdes;
  /** A named topology (Kafka Streams' TopologyConfig): describe() prints "Topology: <name>:". */
  readonly topologyName?: string;
}
