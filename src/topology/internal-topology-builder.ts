// The graph the DSL writes into, as Kafka Streams' InternalStreamsBuilder +
// InternalTopologyBuilder: one index counter for every generated name, nodes in the
// order they are added (which numbers the sub-topologies), stores and the processors
// connected to them, repartition topics and co-partitioning requirements. build()
// validates it all and freezes it into a Topology.
import { DuplicateNameError, InvalidOperationError, InvalidTopologyError } from "./errors.js";
import type { TopologyError } from "./errors.js";
import type { RepartitionTopic, SourceNode, TopologyData, TopologyNode } from "./topology-data.js";
import type { GlobalStoreSpec, ProcessorSpec, SinkSpec, SourceSpec, StoreSpec } from "./builder-specs.js";
import { copartitionGroups } from "./copartition-groups.js";
import type { CopartitionRequest } from "./copartition-groups.js";
import { serdeOrDefault } from "./default-serdes.js";
import { freezeGlobalStores, freezeNode, freezeStores, freezeSubtopologies } from "./graph-freezing.js";
import { checkName } from "./legal-names.js";
import { missingSerdes } from "./missing-serdes.js";
import type { FillSerde, PendingNode, PendingProcessor, PendingSource, PendingStore } from "./pending-graph.js";
import { SourceSubscriptions } from "./source-subscriptions.js";
import { storePersistence } from "./dsl-store-suppliers.js";
import { numberSubtopologies, storeUsers } from "./subtopology-grouping.js";
import type { OptimizationRule } from "./topology-optimization.js";
import { connectSourceStoreAndTopic, optimize } from "./topology-optimizer.js";

export class InternalTopologyBuilder {
  #index = 0;
  #built = false;
  /** Inside a Processor API call (Topology.addSource...), which may extend a built DSL graph. */
  #processorApi = false;
  readonly #nodes = new Map<string, PendingNode>();
  readonly #stores = new Map<string, PendingStore>();
  readonly #subscriptions = new SourceSubscriptions();
  readonly #repartitionTopics = new Map<string, { partitions: number | undefined; sink: string; source: string }>();
  readonly #copartitionGroups: CopartitionRequest[] = [];
  readonly #buildHooks: (() => void)[] = [];
  readonly #globalSources = new Map<string, { store: string; processor: string; topic: string }>();
  #topologyName: string | undefined;
  #dslStoresPersistent: boolean | undefined;

  /** The StreamsBuilder's TopologyConfig: the topology's name, whether DSL stores are persistent by default. */
  configure(topologyName: string | undefined, dslStoresPersistent: boolean | undefined): void {
    this.#topologyName = topologyName;
    this.#dslStoresPersistent = dslStoresPersistent;
  }

  /** `<prefix><10-digit index>`, as Kafka Streams' newProcessorName. */
  newProcessorName(prefix: string): string {
    return `${prefix}${String(this.#index++).padStart(10, "0")}`;
  }

  /** `<prefix>STATE-STORE-<10-digit index>`, as Kafka Streams' newStoreName. */
  newStoreName(prefix: string): string {
    return `${prefix}STATE-STORE-${String(this.#index++).padStart(10, "0")}`;
  }

  /**
   * Kafka Streams' NamedInternal.orElseGenerateWithPrefix: the user's name, or a
   * generated one. An index is burnt either way, as Kafka Streams does "to keep topology
   * backward compatibility": naming one operation must not rename the others.
   */
  nameOr(prefix: string, userName: string | undefined): string {
    const generated = this.newProcessorName(prefix);
    return userName === undefined ? generated : checkName(userName, "Processor name");
  }

  /** Kafka Streams' NamedInternal.suffixWithOrElseGet: `<user name><suffix>`, or a generated name (burning an index either way). */
  suffixedOr(userName: string | undefined, suffix: string, prefix: string): string {
    const generated = this.newProcessorName(prefix);
    return userName === undefined ? generated : checkName(`${userName}${suffix}`, "Processor name");
  }

  /** Runs Topology API calls, which may add to the graph after the StreamsBuilder built it (as in Kafka Streams). */
  processorApi<T>(work: () => T): T {
    const before = this.#processorApi;
    this.#processorApi = true;
    try {
      return work();
    } finally {
      this.#processorApi = before;
    }
  }

  ensureOpen(): void {
    if (this.#built && !this.#processorApi) {
      throw new InvalidOperationError(
        "This StreamsBuilder was already built; create a new StreamsBuilder for another topology",
      );
    }
  }

  hasNode(name: string): boolean {
    return this.#nodes.has(name);
  }

  /** The source node already reading exactly these topics, for Kafka Streams' merge of duplicate stream sources. */
  sourceReading(topics: readonly string[]): SourceNode["name"] | undefined {
    const readers = new Set(topics.map((topic) => this.#subscriptions.readerOf(topic)));
    if (readers.size !== 1) return undefined;
    const [reader] = readers;
    const node = reader === undefined ? undefined : this.#nodes.get(reader);
    if (node?.kind !== "source" || node.topics.length !== topics.length) return undefined;
    return node.name;
  }

  /** The source node already subscribed to this pattern, for the same merge of duplicate pattern sources. */
  sourceReadingPattern(pattern: RegExp): SourceNode["name"] | undefined {
    return this.#subscriptions.readerOfPattern(pattern);
  }

  /** How a source reads its topics: its serdes, timestamp extractor and reset policy. */
  sourceSerdes(
    name: string,
  ): Pick<PendingSource, "keySerde" | "valueSerde" | "timestampExtractor" | "autoOffsetReset"> {
    const node = this.#nodes.get(name);
    if (node?.kind !== "source") throw new InvalidOperationError(`${name} is not a source node`);
    return node;
  }

  addSource(spec: SourceSpec): void {
    this.#addNode(spec.name);
    const pattern = spec.pattern;
    if (pattern !== undefined && spec.topics.length > 0) {
      throw new InvalidOperationError(`Source ${spec.name} reads either topics or a pattern, not both`);
    }
    if (pattern === undefined && spec.topics.length === 0) {
      throw new InvalidOperationError(`Source ${spec.name} needs at least one topic`);
    }
    const reset = spec.autoOffsetReset;
    if (reset !== undefined && reset !== "earliest" && reset !== "latest" && reset !== "none") {
      throw new InvalidOperationError(
        `Source ${spec.name}: autoOffsetReset ${JSON.stringify(reset)} is not one of "earliest", "latest", "none"`,
      );
    }
    this.#subscriptions.add(spec.name, spec.topics, pattern);
    this.#nodes.set(spec.name, {
      kind: "source",
      name: spec.name,
      topics: [...spec.topics],
      pattern,
      autoOffsetReset: spec.autoOffsetReset,
      internal: spec.internal ?? false,
      keySerde: spec.keySerde,
      valueSerde: spec.valueSerde,
      timestampExtractor: spec.timestampExtractor,
      predecessors: [],
    });
  }

  addProcessor(spec: ProcessorSpec): void {
    this.#addNode(spec.name);
    if (spec.parents.length === 0) {
      throw new InvalidOperationError(`Processor ${spec.name} needs at least one parent node`);
    }
    this.#checkParents(spec.name, spec.parents);
    this.#nodes.set(spec.name, {
      kind: "processor",
      name: spec.name,
      operation: spec.operation,
      supplier: spec.supplier,
      predecessors: [...spec.parents],
      stores: [],
      commandHandler: spec.commandHandler,
      selfJoin: spec.selfJoin,
    });
    if (spec.stores !== undefined) this.connectStores(spec.name, spec.stores);
  }

  addSink(spec: SinkSpec): void {
    this.#addNode(spec.name);
    if (spec.parents.length === 0) {
      throw new InvalidOperationError(`Sink ${spec.name} needs at least one parent node`);
    }
    this.#checkParents(spec.name, spec.parents);
    if ((spec.topic === undefined) === (spec.topicExtractor === undefined)) {
      throw new InvalidOperationError(`Sink ${spec.name} needs either a topic or a topic extractor`);
    }
    if (spec.topic !== undefined) checkName(spec.topic, "Topic name");
    this.#nodes.set(spec.name, {
      kind: "sink",
      name: spec.name,
      predecessors: [...spec.parents],
      topic: spec.topic,
      topicExtractor: spec.topicExtractor,
      extractorDescription: spec.extractorDescription,
      internal: spec.internal ?? false,
      keySerde: spec.keySerde,
      valueSerde: spec.valueSerde,
      partitioner: spec.partitioner,
      serdeHint: spec.serdeHint,
    });
  }

  addStore(spec: StoreSpec): void {
    this.ensureOpen();
    checkName(spec.name, "State store name");
    const existing = this.#stores.get(spec.name);
    if (existing !== undefined && spec.origin !== undefined && existing.origin === spec.origin) return;
    if (existing !== undefined) {
      throw new DuplicateNameError(
        `State store "${spec.name}" is already in the topology; give each store its own name`,
      );
    }
    this.#stores.set(spec.name, {
      name: spec.name,
      type: spec.type ?? "keyValue",
      timestamped: spec.timestamped ?? false,
      caching: spec.caching ?? false,
      windowed: spec.windowed,
      versioned: spec.versioned,
      keySerde: spec.keySerde,
      valueSerde: spec.valueSerde,
      ...storePersistence(
        spec.persistent,
        spec.userAdded === true || spec.origin !== undefined || this.#processorApi,
        this.#dslStoresPersistent,
      ),
      logging: spec.logging ?? true,
      sourceChangelog: undefined,
      tableSourceTopic: spec.tableSourceTopic,
      userAdded: spec.userAdded ?? false,
      internal: spec.internal ?? false,
      serdeHint: spec.serdeHint,
      origin: spec.origin,
      global: false,
    });
  }

  /**
   * A global store, its source and its processor, which only it may connect to; every
   * other processor reads the store without being connected (Kafka Streams' addGlobalStore).
   */
  addGlobalStore(spec: GlobalStoreSpec): void {
    if (spec.sourceName === spec.processorName) {
      throw new InvalidOperationError(
        `Global store "${spec.store.name}": its source and processor need different names, not both "${spec.sourceName}"`,
      );
    }
    this.addStore({ ...spec.store, logging: false });
    const store = this.#stores.get(spec.store.name) as PendingStore;
    this.#stores.set(store.name, { ...store, global: true });
    this.addSource({
      name: spec.sourceName,
      topics: [spec.topic],
      keySerde: spec.keySerde,
      valueSerde: spec.valueSerde,
      timestampExtractor: spec.timestampExtractor,
    });
    this.addProcessor({
      name: spec.processorName,
      operation: spec.operation,
      supplier: spec.supplier,
      parents: [spec.sourceName],
    });
    const processor = this.#nodes.get(spec.processorName) as PendingProcessor;
    processor.stores.push(spec.store.name);
    this.#globalSources.set(spec.sourceName, {
      store: spec.store.name,
      processor: spec.processorName,
      topic: spec.topic,
    });
  }

  /** Whether the store is a global store (any processor reads it without being connected). */
  isGlobalStore(name: string): boolean {
    return this.#stores.get(name)?.global === true;
  }

  hasStore(name: string): boolean {
    return this.#stores.has(name);
  }

  /** The kind of the node of that name, if there is one. */
  kindOf(name: string): TopologyNode["kind"] | undefined {
    return this.#nodes.get(name)?.kind;
  }

  /** Gives a processor access to stores; whether they exist is checked at build(). */
  connectStores(processor: string, stores: readonly string[]): void {
    this.ensureOpen();
    const node = this.#nodes.get(processor);
    if (node?.kind !== "processor")
      throw new InvalidOperationError(`Only processors use state stores, and ${processor} is not one`);
    for (const store of stores) {
      if (this.#stores.get(store)?.global === true) {
        throw new InvalidOperationError(
          `Global state store "${store}" is read by any processor without being connected: do not connect it to ${processor}`,
        );
      }
      if (!node.stores.includes(store)) node.stores.push(store);
    }
  }

  /** Kafka Streams' connectSourceStoreAndTopic: the source topic is the store's changelog. */
  connectSourceStoreAndTopic(store: string, topic: string): void {
    connectSourceStoreAndTopic(this.#stores, store, topic);
  }

  addRepartitionTopic(name: string, partitions: number | undefined, sink: string, source: string): void {
    this.#repartitionTopics.set(name, { partitions, sink, source });
  }

  addCopartitionGroup(requiredBy: string, sourceNodes: Iterable<string>): void {
    this.#copartitionGroups.push({ requiredBy, sourceNodes: new Set(sourceNodes) });
  }

  /** Runs when build() starts, before validation: for wiring that needs the finished graph. */
  onBuild(hook: () => void): void {
    this.#buildHooks.push(hook);
  }

  /** The nodes `name` reads from, in the order they were given. */
  parentsOf(name: string): readonly string[] {
    return this.#nodes.get(name)?.predecessors ?? [];
  }

  childrenOf(name: string): string[] {
    return [...this.#nodes.values()].filter((node) => node.predecessors.includes(name)).map((node) => node.name);
  }

  /**
   * Ends the DSL's part (runs the build hooks; DSL calls fail afterwards), then checks
   * the graph and freezes it. The Processor API may still add nodes (see snapshot()).
   */
  build(optimizations: ReadonlySet<OptimizationRule> = new Set()): TopologyData {
    this.ensureOpen();
    this.#built = true;
    for (const hook of this.#buildHooks) hook();
    optimize({ nodes: this.#nodes, stores: this.#stores }, optimizations);
    return this.snapshot(true);
  }

  /**
   * The graph as frozen data. `strict`: every problem found throws one
   * InvalidTopologyError; otherwise the graph is frozen as it is (for describe(), which
   * Kafka Streams prints for any topology, missing serdes and all).
   */
  snapshot(strict: boolean): TopologyData {
    const problems: TopologyError[] = [];
    const nodes = [...this.#nodes.values()];
    const usersOfStores = storeUsers(nodes, this.#stores, problems);
    const stores = [...this.#stores.values()].filter((store) => usersOfStores.has(store.name));
    // Missing serdes are no problem yet: the configuration's defaults may fill them (default-serdes.ts).
    const missing = missingSerdes(nodes, stores, usersOfStores);
    const serde: FillSerde = (serde, owner, part) => serdeOrDefault(serde, part, () => missing.get(`${owner}/${part}`));
    const subtopologyOf = numberSubtopologies(nodes, usersOfStores, this.#repartitionTopics, problems);
    const copartition = copartitionGroups(this.#copartitionGroups, this.#nodes, this.#repartitionTopics, problems);
    if (strict && problems.length > 0) throw new InvalidTopologyError(problems);

    const successors = new Map<string, string[]>(nodes.map((node) => [node.name, []]));
    for (const node of nodes) for (const parent of node.predecessors) successors.get(parent)?.push(node.name);
    const frozenNodes = new Map<string, TopologyNode>();
    for (const node of nodes)
      frozenNodes.set(
        node.name,
        freezeNode(node, subtopologyOf.get(node.name) ?? 0, successors.get(node.name) ?? [], serde),
      );
    const storeDefinitions = freezeStores(stores, usersOfStores, subtopologyOf, serde);
    const repartitionTopics: RepartitionTopic[] = [...this.#repartitionTopics].map(([name, topic]) =>
      Object.freeze({ name, partitions: topic.partitions, sinkNode: topic.sink, sourceNode: topic.source }),
    );
    const all = freezeSubtopologies(nodes, subtopologyOf, storeDefinitions);
    const { globalIds, globalStores } = freezeGlobalStores(all, subtopologyOf, this.#globalSources);
    return Object.freeze({
      nodes: frozenNodes,
      subtopologies: Object.freeze(all.filter((subtopology) => !globalIds.has(subtopology.id))),
      stores: storeDefinitions,
      repartitionTopics: Object.freeze(repartitionTopics),
      copartitionGroups: copartition,
      globalStores: Object.freeze(globalStores),
      ...(this.#topologyName === undefined ? {} : { topologyName: this.#topologyName }),
    });
  }

  #addNode(name: string): void {
    this.ensureOpen();
    // Kafka Streams checks a Processor API node's name for null only (its topics and stores
    // are checked): "source-topic-\d-source" is a legal name. DSL names were checked as names.
    if (typeof name !== "string") throw new InvalidOperationError("name must not be null");
    if (this.#nodes.has(name)) {
      throw new DuplicateNameError(
        `A node named ${name} is already in the topology; names of nodes (and of the operations that create them) must be unique`,
      );
    }
  }

  #checkParents(name: string, parents: readonly string[]): void {
    for (const parent of parents) {
      const global = [...this.#globalSources].find(
        ([source, entry]) => (source === parent && entry.processor !== name) || entry.processor === parent,
      );
      if (global !== undefined) {
        throw new InvalidOperationError(
          `Node ${name} cannot follow ${parent}: it belongs to global store "${global[1].store}", which feeds nothing but its store`,
        );
      }
      const node = this.#nodes.get(parent);
      if (node === undefined) throw new InvalidOperationError(`Node ${name} names an unknown parent ${parent}`);
      if (node.kind === "sink")
        throw new InvalidOperationError(`Node ${name} cannot follow sink ${parent}: sinks have no children`);
    }
  }
}
