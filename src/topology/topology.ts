// The Topology: what StreamsBuilder.build() produces, and what the Processor API builds
// (addSource, addProcessor, addSink, addStateStore). Its data model is topology-data.ts,
// the names its internal topics take on Kafka internal-topic-names.ts; both are exported
// from here too, where the runtime, the test driver and the API have always found them.
import { InvalidOperationError } from "./errors.js";
import { InternalTopologyBuilder } from "./internal-topology-builder.js";
import type { AnyProcessorSupplier, ProcessorSupplier, StreamPartitioner, TopicNameExtractor } from "./processor.js";
import { unpackSupplier } from "./processor.js";
import { describeTopicExtractor } from "./topic-extractor-description.js";
import type { Serde } from "../serdes/serde.js";
import type { StateStoreOptions } from "./store-options.js";
import { storeSpecOf } from "./store-options.js";
import { addGlobalStoreTo, addReadOnlyStoreTo } from "./processor-api-stores.js";
import type { StoreSourceOptions } from "./processor-api-stores.js";
import {
  checkParentNames,
  checkSinkTopic,
  checkStore,
  checkStoreConnection,
  sourceArguments,
} from "./processor-api-arguments.js";
import type { TimestampExtractor } from "./timestamp-extractor.js";
import { TopologyDescription } from "./topology-description.js";
import { resolveDefaultSerdes } from "./default-serdes.js";
import { resolveDslStores } from "./dsl-store-suppliers.js";
import type { DefaultSerdes } from "./default-serdes.js";
import { physicalTopicName } from "./internal-topic-names.js";
export { queryKeyTopic, storeSerdeTopic, storeSourceTopics } from "./store-serde-topic.js";
import type {
  AutoOffsetReset,
  CopartitionGroup,
  GlobalStore,
  RepartitionTopic,
  SourceNode,
  StoreDefinition,
  Subtopology,
  TopologyData,
  TopologyNode,
} from "./topology-data.js";

export type {
  AutoOffsetReset,
  CommandHandlerInfo,
  CopartitionGroup,
  GlobalStore,
  ProcessorNode,
  RepartitionTopic,
  SinkNode,
  SourceNode,
  StoreDefinition,
  Subtopology,
  TopologyData,
  TopologyNode,
  WindowedStoreSpec,
} from "./topology-data.js";
export {
  changelogTopicName,
  deadLetterTopicName,
  physicalTopicName,
  repartitionTopicName,
} from "./internal-topic-names.js";

/** Serdes, offset reset and timestamp extractor of a source added with Topology.addSource(). */
export interface SourceOptions<K = unknown, V = unknown> {
  key?: Serde<K>;
  value?: Serde<V>;
  autoOffsetReset?: AutoOffsetReset;
  /** The config's defaultTimestampExtractor when absent. */
  timestampExtractor?: TimestampExtractor;
}

/** Serdes and partitioner of a sink added with Topology.addSink(). */
export interface SinkOptions<K = unknown, V = unknown> {
  key?: Serde<K>;
  value?: Serde<V>;
  partitioner?: StreamPartitioner<K, V>;
}

type AnySupplier = ProcessorSupplier<unknown, unknown, unknown, unknown>;

/**
 * A topology: sources, processors, sinks and stores. StreamsBuilder.build() makes one
 * from the DSL; `new Topology()` starts an empty one for the Processor API, as Kafka
 * Streams' Topology (addSource, addProcessor, addSink, addStateStore,
 * connectProcessorAndStateStores). The runtime and the TopologyTestDriver read it as
 * data, frozen when they start; describe() prints it as Kafka Streams does.
 */
export class Topology implements TopologyData {
  /** Set while nodes may still be added (Processor API); undefined for a topology made from data. */
  #builder: InternalTopologyBuilder | undefined;
  #data: TopologyData | undefined;
  #description: TopologyDescription | undefined;

  /** Without data: an empty topology to build with addSource() and the rest. With data: that graph, frozen. */
  constructor(data?: TopologyData) {
    if (data === undefined) {
      this.#builder = new InternalTopologyBuilder();
    } else {
      this.#builder = undefined;
      this.#data = data;
    }
  }

  /** @internal StreamsBuilder.build(): the DSL's graph, checked, which the Processor API may extend. */
  static fromBuilder(builder: InternalTopologyBuilder, data: TopologyData): Topology {
    const topology = new Topology(data);
    topology.#builder = builder;
    return topology;
  }

  get nodes(): ReadonlyMap<string, TopologyNode> {
    return this.#checked().nodes;
  }

  get subtopologies(): readonly Subtopology[] {
    return this.#checked().subtopologies;
  }

  get stores(): ReadonlyMap<string, StoreDefinition> {
    return this.#checked().stores;
  }

  get repartitionTopics(): readonly RepartitionTopic[] {
    return this.#checked().repartitionTopics;
  }

  get copartitionGroups(): readonly CopartitionGroup[] {
    return this.#checked().copartitionGroups;
  }

  get globalStores(): readonly GlobalStore[] {
    return this.#checked().globalStores ?? [];
  }

  get defaultSerdes(): DefaultSerdes | undefined {
    return this.#checked().defaultSerdes;
  }

  /**
   * Reads records of the given topics, or of every topic whose name matches `pattern`
   * (topics created later included). Options first, as Kafka Streams puts the offset
   * reset and deserializers before the name: addSource({ key, value }, "name", "topic").
   */
  addSource(name: string, ...topics: string[]): this;
  addSource(name: string, pattern: RegExp): this;
  addSource(options: SourceOptions, name: string, ...topics: string[]): this;
  addSource(options: SourceOptions, name: string, pattern: RegExp): this;
  addSource(first: string | SourceOptions, ...rest: (string | RegExp)[]): this {
    return this.#change((builder) => this.#addSource(builder, first, rest));
  }

  #addSource(
    builder: InternalTopologyBuilder,
    first: string | SourceOptions,
    rest: readonly (string | RegExp)[],
  ): void {
    const { options, name, topics, pattern } = sourceArguments(first, rest);
    builder.addSource({
      name,
      topics,
      ...(pattern === undefined ? {} : { pattern }),
      ...(options.autoOffsetReset === undefined ? {} : { autoOffsetReset: options.autoOffsetReset }),
      keySerde: options.key,
      valueSerde: options.value,
      timestampExtractor: options.timestampExtractor,
    });
  }

  /**
   * A processor fed by the named parents; a supplier may bring its stores (stores()),
   * which are added and connected with it.
   */
  addProcessor<KIn = unknown, VIn = unknown, KOut = unknown, VOut = unknown>(
    name: string,
    supplier: AnyProcessorSupplier<KIn, VIn, KOut, VOut>,
    ...parentNames: string[]
  ): this {
    checkParentNames("Processor", name, parentNames);
    const unpacked = unpackSupplier(supplier);
    return this.#change((builder) => {
      builder.addProcessor({
        name,
        operation: "process",
        supplier: unpacked.supplier as AnySupplier,
        parents: parentNames,
      });
      for (const store of unpacked.stores) this.#addStore(builder, store, [name]);
    });
  }

  /** Writes what the parents forward to a topic, or to the topic an extractor picks per record. */
  addSink<K = unknown, V = unknown>(
    name: string,
    topic: string | TopicNameExtractor<K, V>,
    ...parentNames: string[]
  ): this;
  addSink<K = unknown, V = unknown>(
    name: string,
    topic: string | TopicNameExtractor<K, V>,
    options: SinkOptions<K, V>,
    ...parentNames: string[]
  ): this;
  addSink<K, V>(name: string, topic: string | TopicNameExtractor<K, V>, ...rest: (string | SinkOptions<K, V>)[]): this {
    const options: SinkOptions<K, V> = typeof rest[0] === "object" && rest[0] !== null ? rest[0] : {};
    const parents = (typeof rest[0] === "object" && rest[0] !== null ? rest.slice(1) : rest) as string[];
    checkSinkTopic(name, topic);
    checkParentNames("Sink", name, parents);
    const extractor = typeof topic === "function" ? topic : undefined;
    return this.#change((builder) =>
      builder.addSink({
        name,
        parents,
        ...(extractor === undefined
          ? { topic: topic as string }
          : {
              topicExtractor: extractor as TopicNameExtractor<unknown, unknown>,
              extractorDescription: describeTopicExtractor(extractor),
            }),
        keySerde: options.key as Serde<unknown> | undefined,
        valueSerde: options.value as Serde<unknown> | undefined,
        partitioner: options.partitioner as StreamPartitioner<unknown, unknown> | undefined,
        serdeHint: `pass { {part}: <serde> } to addSink("${name}", ...)`,
      }),
    );
  }

  /**
   * A global store (Kafka Streams' addGlobalStore): `sourceName` reads the whole of `topic`
   * on every instance, outside the consumer group, and `processorName` (the
   * state-update processor) keeps the store from it; it forwards nothing. Every other
   * processor reads the store with getStateStore() without being connected to it.
   */
  addGlobalStore<K, V>(
    store: StateStoreOptions<K, V>,
    sourceName: string,
    options: StoreSourceOptions<K, V>,
    topic: string,
    processorName: string,
    stateUpdateSupplier: AnyProcessorSupplier<K, V, never, never>,
  ): this {
    const source = { name: sourceName, topic, options };
    return this.#change((builder) => addGlobalStoreTo(builder, store, source, processorName, stateUpdateSupplier));
  }

  /**
   * A read-only store (Kafka Streams' addReadOnlyStateStore, KIP-813): `sourceName` reads
   * `topic` from the earliest offset, `processorName` keeps the store from it and forwards
   * nothing. The store has no changelog of its own: it restores from `topic` (which should
   * be compacted), up to the offset its task committed. Connect other processors to read it.
   */
  addReadOnlyStateStore<K, V>(
    store: StateStoreOptions<K, V>,
    sourceName: string,
    options: StoreSourceOptions<K, V>,
    topic: string,
    processorName: string,
    stateUpdateSupplier: AnyProcessorSupplier<K, V, never, never>,
  ): this {
    checkStore(store as StateStoreOptions<unknown, unknown>);
    const source = { name: sourceName, topic, options };
    return this.#change((builder) => addReadOnlyStoreTo(builder, store, source, processorName, stateUpdateSupplier));
  }

  /** Adds a store, connected to the named processors (more can be connected later). */
  addStateStore<K, V>(store: StateStoreOptions<K, V>, ...processorNames: string[]): this {
    checkStore(store as StateStoreOptions<unknown, unknown>);
    return this.#change((builder) => {
      for (const processor of processorNames) this.#checkProcessor(builder, processor);
      this.#addStore(builder, store as StateStoreOptions<unknown, unknown>, processorNames);
    });
  }

  /** Gives a processor access to stores already added. */
  connectProcessorAndStateStores(processorName: string, ...storeNames: string[]): this {
    checkStoreConnection(processorName, storeNames);
    return this.#change((builder) => {
      this.#checkProcessor(builder, processorName);
      for (const store of storeNames) {
        if (!builder.hasStore(store)) {
          throw new InvalidOperationError(
            `State store "${store}" is not added yet: add it with addStateStore() before connecting it`,
          );
        }
      }
      builder.connectStores(processorName, storeNames);
    });
  }

  node(name: string): TopologyNode {
    const node = this.nodes.get(name);
    if (node === undefined) throw new RangeError(`The topology has no node named "${name}"`);
    return node;
  }

  subtopology(id: number): Subtopology {
    const subtopology =
      this.subtopologies.find((candidate) => candidate.id === id) ??
      this.globalStores.find((candidate) => candidate.id === id)?.subtopology;
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

  /** The physical topics a task of this sub-topology reads, given the application id (pattern sources excluded). */
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

  /**
   * The topology as it is now, checked and frozen, its missing serdes filled with the
   * configuration's defaults: what KafkaStreams and the TopologyTestDriver run. Throws
   * InvalidTopologyError listing every problem (a MissingSerdeError for each serde
   * neither the topology nor the defaults give). The config's dslStoreSuppliers (or
   * defaultDslStore) decide the kind of the DSL stores nothing else decided.
   */
  frozen(defaults: DefaultSerdes = {}, stores: Parameters<typeof resolveDslStores>[1] = {}): Topology {
    const data = this.#checked();
    const resolved = resolveDslStores(resolveDefaultSerdes(data, defaults), stores);
    return this.#builder === undefined && resolved === data ? this : new Topology(resolved);
  }

  describe(): TopologyDescription {
    this.#description ??= new TopologyDescription(this.#builder?.snapshot(false) ?? this.#checked());
    return this.#description;
  }

  toJSON(): ReturnType<TopologyDescription["toJSON"]> {
    return this.describe().toJSON();
  }

  toString(): string {
    return this.describe().toString();
  }

  #checked(): TopologyData {
    this.#data ??= (this.#builder as InternalTopologyBuilder).snapshot(true);
    return this.#data;
  }

  /** Runs a Processor API change on the builder; the cached data and description are dropped. */
  #change(work: (builder: InternalTopologyBuilder) => void): this {
    const builder = this.#builder;
    if (builder === undefined) {
      throw new InvalidOperationError("This topology was made from frozen data; nodes cannot be added to it");
    }
    this.#data = undefined;
    this.#description = undefined;
    builder.processorApi(() => work(builder));
    return this;
  }

  #checkProcessor(builder: InternalTopologyBuilder, name: string): void {
    const kind = builder.kindOf(name);
    if (kind === undefined) throw new InvalidOperationError(`The topology has no processor named "${name}"`);
    if (kind !== "processor") {
      throw new InvalidOperationError(`Only processors use state stores, and ${name} is a ${kind}`);
    }
  }

  #addStore(
    builder: InternalTopologyBuilder,
    store: StateStoreOptions<unknown, unknown>,
    processors: readonly string[],
  ): void {
    builder.addStore(storeSpecOf(store));
    for (const processor of processors) builder.connectStores(processor, [store.name]);
  }
}
