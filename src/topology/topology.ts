// The Topology as plain data: what StreamsBuilder.build() produces and what the runtime,
// the TopologyTestDriver, describe() and the HTML graph read. Nothing here refers back to
// the DSL classes: processors are reached only through their suppliers, which the
// runtime calls once per task.
//
// Topic names are logical. A source or sink marked `internal` (a repartition topic)
// lives on Kafka as `<applicationId>-<name>`, a store's changelog as
// `<applicationId>-<store>-changelog`, the dead-letter topic as `<applicationId>-dlq`:
// the application id is a runtime setting, so the topology does not know it.
import type { ZodType } from "zod";
import type { ProcessorSupplier, StreamPartitioner, TopicNameExtractor } from "./processor.js";
import type { Serde } from "../serdes/serde.js";
import { TopologyDescription } from "./topology-description.js";

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
  readonly topics: readonly string[];
  /** The topics are repartition topics of this application (prefix them with the application id). */
  readonly internal: boolean;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
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

export interface StoreDefinition {
  readonly name: string;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  /** LevelDB (true) or in-memory (false) in the runtime. */
  readonly persistent: boolean;
  /** Backed by the compacted changelog topic `<applicationId>-<name>-changelog`. */
  readonly logging: boolean;
  /**
   * Eddy's bookkeeping rather than the application's state (a command handler's
   * idempotency keys and replies): the HTTP API does not serve it unless told to.
   */
  readonly internal?: boolean;
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
}

export function repartitionTopicName(applicationId: string, name: string): string {
  return `${applicationId}-${name}`;
}

export function changelogTopicName(applicationId: string, store: string): string {
  return `${applicationId}-${store}-changelog`;
}

export function deadLetterTopicName(applicationId: string): string {
  return `${applicationId}-dlq`;
}

/** The topic a source or sink really uses, given the application id. */
export function physicalTopicName(applicationId: string, topic: string, internal: boolean): string {
  return internal ? repartitionTopicName(applicationId, topic) : topic;
}

export class Topology implements TopologyData {
  readonly nodes: ReadonlyMap<string, TopologyNode>;
  readonly subtopologies: readonly Subtopology[];
  readonly stores: ReadonlyMap<string, StoreDefinition>;
  readonly repartitionTopics: readonly RepartitionTopic[];
  readonly copartitionGroups: readonly CopartitionGroup[];
  #description: TopologyDescription | undefined;

  constructor(data: TopologyData) {
    this.nodes = data.nodes;
    this.subtopologies = data.subtopologies;
    this.stores = data.stores;
    this.repartitionTopics = data.repartitionTopics;
    this.copartitionGroups = data.copartitionGroups;
  }

  node(name: string): TopologyNode {
    const node = this.nodes.get(name);
    if (node === undefined) throw new RangeError(`The topology has no node named "${name}"`);
    return node;
  }

  subtopology(id: number): Subtopology {
    const subtopology = this.subtopologies[id];
    if (subtopology === undefined) throw new RangeError(`The topology has no sub-topology ${id}`);
    return subtopology;
  }

  /** Every source node reading a user topic or a repartition topic, in node order. */
  sourceNodes(subtopology?: number): SourceNode[] {
    return [...this.nodes.values()].filter(
      (node): node is SourceNode =>
        node.kind === "source" && (subtopology === undefined || node.subtopology === subtopology),
    );
  }

  /** The physical topics a task of this sub-topology reads, given the application id. */
  sourceTopicsOf(subtopology: number, applicationId: string): string[] {
    return this.sourceNodes(subtopology).flatMap((node) =>
      node.topics.map((topic) => physicalTopicName(applicationId, topic, node.internal)),
    );
  }

  /** The stores of a sub-topology, as definitions. */
  storesOf(subtopology: number): StoreDefinition[] {
    return this.subtopology(subtopology).stores.map((name) => {
      const store = this.stores.get(name);
      if (store === undefined) throw new RangeError(`The topology has no store named "${name}"`);
      return store;
    });
  }

  describe(): TopologyDescription {
    this.#description ??= new TopologyDescription(this);
    return this.#description;
  }

  toJSON(): ReturnType<TopologyDescription["toJSON"]> {
    return this.describe().toJSON();
  }

  toString(): string {
    return this.describe().toString();
  }
}
