// The graph the DSL writes into, as Kafka Streams' InternalStreamsBuilder +
// InternalTopologyBuilder: one index counter for every generated name, nodes in the
// order they are added (which numbers the sub-topologies), stores and the processors
// connected to them, repartition topics and co-partitioning requirements. build()
// validates it all and freezes it into a Topology.
import type { ZodType } from "zod";
import {
  CopartitionError,
  DuplicateNameError,
  InvalidOperationError,
  InvalidTopologyError,
  MissingSerdeError,
  StorePlacementError,
  UnknownStoreError,
} from "./errors.js";
import type { TopologyError } from "./errors.js";
import type { ProcessorSupplier, StreamPartitioner, TopicNameExtractor } from "./processor.js";
import type { Serde } from "../serdes/serde.js";
import type { VersionedStoreSpec } from "../stores/versioned-key-schema.js";
import type { StoreType } from "../stores/store-type.js";
import type { TimestampExtractor } from "./timestamp-extractor.js";
import type {
  AutoOffsetReset,
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
} from "./topology.js";
import { matchesWhole } from "./topic-pattern.js";
import { UnionFind } from "./union-find.js";
import { isUnresolvedSerde, serdeOrDefault } from "./default-serdes.js";

// Serdes and suppliers are stored without their type parameters: the graph holds
// nodes of every type, and the DSL classes are what keep the types straight.
type AnySerde = Serde<unknown>;
type AnySupplier = ProcessorSupplier<unknown, unknown, unknown, unknown>;
/** A serde as given, or the configuration's default, or the MissingSerdeError kept for it. */
type FillSerde = (serde: AnySerde | undefined, owner: string, part: "key" | "value") => AnySerde;

interface PendingSource {
  readonly kind: "source";
  readonly name: string;
  /** Empty when the source subscribes by `pattern`. */
  readonly topics: readonly string[];
  readonly pattern: RegExp | undefined;
  readonly autoOffsetReset: AutoOffsetReset | undefined;
  readonly internal: boolean;
  readonly keySerde: AnySerde | undefined;
  readonly valueSerde: AnySerde | undefined;
  readonly timestampExtractor: TimestampExtractor | undefined;
  readonly predecessors: readonly string[];
}

interface PendingProcessor {
  readonly kind: "processor";
  readonly name: string;
  readonly operation: string;
  readonly supplier: AnySupplier;
  readonly predecessors: readonly string[];
  readonly stores: string[];
  readonly commandHandler: PendingCommandHandler | undefined;
}

/** A handleCommands() node's schema and key serde; a missing key serde fails build() on the node's store. */
interface PendingCommandHandler {
  readonly schema: ZodType | undefined;
  readonly keySerde: AnySerde | undefined;
}

interface PendingSink {
  readonly kind: "sink";
  readonly name: string;
  readonly predecessors: readonly string[];
  readonly topic: string | undefined;
  readonly topicExtractor: TopicNameExtractor<unknown, unknown> | undefined;
  readonly extractorDescription: string | undefined;
  readonly internal: boolean;
  readonly keySerde: AnySerde | undefined;
  readonly valueSerde: AnySerde | undefined;
  readonly partitioner: StreamPartitioner<unknown, unknown> | undefined;
  /** What the user should pass, and to which call, when a serde is missing: "to()". */
  readonly serdeHint: SerdeHint;
}

type PendingNode = PendingSource | PendingProcessor | PendingSink;

interface PendingStore {
  readonly name: string;
  readonly type: StoreType;
  readonly timestamped: boolean;
  readonly caching: boolean;
  readonly windowed: WindowedStoreSpec | undefined;
  readonly versioned: VersionedStoreSpec | undefined;
  readonly keySerde: AnySerde | undefined;
  readonly valueSerde: AnySerde | undefined;
  readonly persistent: boolean;
  readonly logging: boolean;
  /** Added with StreamsBuilder.addStateStore (an unused one is a mistake); DSL stores may stay unmaterialized. */
  readonly userAdded: boolean;
  readonly internal: boolean;
  readonly serdeHint: SerdeHint;
  /** The options object the store was added from: adding the same object again shares the store. */
  readonly origin: object | undefined;
  readonly global: boolean;
}

export interface SourceSpec {
  name: string;
  /** The topics read; none when `pattern` subscribes by regular expression. */
  topics: readonly string[];
  pattern?: RegExp;
  /** Where to start a partition the group has no committed offset for (default: the earliest). */
  autoOffsetReset?: AutoOffsetReset;
  internal?: boolean;
  keySerde: Serde<unknown> | undefined;
  valueSerde: Serde<unknown> | undefined;
  timestampExtractor?: TimestampExtractor | undefined;
}

export interface ProcessorSpec {
  name: string;
  operation: string;
  supplier: AnySupplier;
  parents: readonly string[];
  stores?: readonly string[];
  /** For handleCommands(): what it accepts, kept on the node (ProcessorNode.commandHandler). */
  commandHandler?: PendingCommandHandler;
}

export interface SinkSpec {
  name: string;
  parents: readonly string[];
  topic?: string;
  topicExtractor?: TopicNameExtractor<unknown, unknown>;
  extractorDescription?: string;
  internal?: boolean;
  keySerde: Serde<unknown> | undefined;
  valueSerde: Serde<unknown> | undefined;
  partitioner?: StreamPartitioner<unknown, unknown>;
  serdeHint: SerdeHint;
}

export interface StoreSpec {
  name: string;
  /** "keyValue" when absent. */
  type?: StoreType;
  /** Values kept as ValueAndTimestamp (the DSL's tables and aggregates); false when absent. */
  timestamped?: boolean;
  /** Behind the record cache (the DSL's tables and aggregates, unless told not to); false when absent. */
  caching?: boolean;
  /** A window or session store's windows and retention (type "window" or "session"). */
  windowed?: WindowedStoreSpec;
  /** A versioned store's history retention and segment interval (type "versioned"). */
  versioned?: VersionedStoreSpec;
  keySerde: Serde<unknown> | undefined;
  valueSerde: Serde<unknown> | undefined;
  persistent?: boolean;
  logging?: boolean;
  userAdded?: boolean;
  /** Eddy's own bookkeeping (an idempotency store), not the application's state: not queryable by default. */
  internal?: boolean;
  serdeHint: SerdeHint;
  /** Adding a store twice from the same object shares it (Kafka Streams' same StoreBuilder); another object with the name is an error. */
  origin?: object;
}

/** A global store with the source that reads its topic and the processor that keeps it (Kafka Streams' addGlobalStore). */
export interface GlobalStoreSpec {
  store: Omit<StoreSpec, "logging">;
  sourceName: string;
  topic: string;
  keySerde: Serde<unknown> | undefined;
  valueSerde: Serde<unknown> | undefined;
  timestampExtractor?: TimestampExtractor | undefined;
  processorName: string;
  operation: string;
  supplier: AnySupplier;
}

/**
 * How to fix a missing serde, for the error message: one text for both parts ("{part}"
 * stands for "key" or "value") or one per part.
 */
export type SerdeHint = string | { readonly key: string; readonly value: string };

function hintFor(hint: SerdeHint, part: "key" | "value"): string {
  return typeof hint === "string" ? hint.replaceAll("{part}", part) : hint[part];
}

const LEGAL_NAME = /^[a-zA-Z0-9._-]+$/;
const MAX_NAME_LENGTH = 249;

/** Node, store and topic names end up in topic names, so Kafka's topic-name rules apply to all of them. */
export function checkName(name: string, what: string): string {
  if (
    typeof name !== "string" ||
    name.length === 0 ||
    name.length > MAX_NAME_LENGTH ||
    !LEGAL_NAME.test(name) ||
    name === "." ||
    name === ".."
  ) {
    throw new InvalidOperationError(
      `${what} ${JSON.stringify(name)} is illegal: use 1 to ${MAX_NAME_LENGTH} characters among ASCII letters, digits, ".", "_" and "-"`,
    );
  }
  return name;
}

export class InternalTopologyBuilder {
  #index = 0;
  #built = false;
  /** Inside a Processor API call (Topology.addSource...), which may extend a built DSL graph. */
  #processorApi = false;
  readonly #nodes = new Map<string, PendingNode>();
  readonly #stores = new Map<string, PendingStore>();
  readonly #topicReaders = new Map<string, string>();
  readonly #patternReaders = new Map<string, { pattern: RegExp; source: string }>();
  readonly #repartitionTopics = new Map<string, { partitions: number | undefined; sink: string; source: string }>();
  readonly #copartitionGroups: { requiredBy: string; sourceNodes: ReadonlySet<string> }[] = [];
  readonly #buildHooks: (() => void)[] = [];
  readonly #globalSources = new Map<string, { store: string; processor: string; topic: string }>();

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
    const readers = new Set(topics.map((topic) => this.#topicReaders.get(topic)));
    if (readers.size !== 1) return undefined;
    const [reader] = readers;
    const node = reader === undefined ? undefined : this.#nodes.get(reader);
    if (node?.kind !== "source" || node.topics.length !== topics.length) return undefined;
    return node.name;
  }

  sourceSerdes(name: string): {
    keySerde: AnySerde | undefined;
    valueSerde: AnySerde | undefined;
    timestampExtractor: TimestampExtractor | undefined;
    autoOffsetReset: AutoOffsetReset | undefined;
  } {
    const node = this.#nodes.get(name);
    if (node?.kind !== "source") throw new InvalidOperationError(`${name} is not a source node`);
    return {
      keySerde: node.keySerde,
      valueSerde: node.valueSerde,
      timestampExtractor: node.timestampExtractor,
      autoOffsetReset: node.autoOffsetReset,
    };
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
    for (const topic of spec.topics) {
      checkName(topic, "Topic name");
      const reader = this.#topicReaders.get(topic);
      if (reader !== undefined) {
        throw new DuplicateNameError(
          `Topic "${topic}" is already read by source ${reader}; a topic has one source node: ` +
            "read it once and reuse the stream (or table)",
        );
      }
      for (const { pattern: other, source } of this.#patternReaders.values()) {
        if (matchesWhole(other, topic)) {
          throw new DuplicateNameError(
            `Topic "${topic}" matches pattern /${other.source}/ of source ${source}; a topic has one source node`,
          );
        }
      }
    }
    if (pattern !== undefined) {
      const existing = this.#patternReaders.get(pattern.source);
      if (existing !== undefined) {
        throw new DuplicateNameError(
          `Pattern /${pattern.source}/ is already read by source ${existing.source}; a topic has one source node`,
        );
      }
      const overlapping = [...this.#topicReaders].find(([topic]) => matchesWhole(pattern, topic));
      if (overlapping !== undefined) {
        throw new DuplicateNameError(
          `Pattern /${pattern.source}/ matches topic "${overlapping[0]}", already read by source ${overlapping[1]}; ` +
            "a topic has one source node",
        );
      }
      this.#patternReaders.set(pattern.source, { pattern, source: spec.name });
    }
    for (const topic of spec.topics) this.#topicReaders.set(topic, spec.name);
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
      persistent: spec.persistent ?? true,
      logging: spec.logging ?? true,
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
  build(): TopologyData {
    this.ensureOpen();
    this.#built = true;
    for (const hook of this.#buildHooks) hook();
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
    const storeUsers = this.#storeUsers(nodes, problems);
    const stores = [...this.#stores.values()].filter((store) => storeUsers.has(store.name));
    // Missing serdes are no problem yet: the configuration's defaults may fill them (default-serdes.ts).
    const missing = this.#missingSerdes(nodes, stores, storeUsers);
    const serde: FillSerde = (serde, owner, part) => serdeOrDefault(serde, part, () => missing.get(`${owner}/${part}`));
    const subtopologyOf = this.#subtopologies(nodes, storeUsers, problems);
    const copartitionGroups = this.#copartition(problems);
    if (strict && problems.length > 0) throw new InvalidTopologyError(problems);

    const successors = new Map<string, string[]>(nodes.map((node) => [node.name, []]));
    for (const node of nodes) for (const parent of node.predecessors) successors.get(parent)?.push(node.name);
    const frozenNodes = new Map<string, TopologyNode>();
    for (const node of nodes)
      frozenNodes.set(
        node.name,
        this.#freezeNode(node, subtopologyOf.get(node.name) ?? 0, successors.get(node.name) ?? [], serde),
      );
    const storeDefinitions = this.#freezeStores(stores, storeUsers, subtopologyOf, serde);
    const repartitionTopics: RepartitionTopic[] = [...this.#repartitionTopics].map(([name, topic]) =>
      Object.freeze({ name, partitions: topic.partitions, sinkNode: topic.sink, sourceNode: topic.source }),
    );
    const all = this.#freezeSubtopologies(nodes, subtopologyOf, storeDefinitions);
    const globalIds = new Map<number, { source: string; store: string; processor: string; topic: string }>();
    for (const [source, entry] of this.#globalSources) {
      const id = subtopologyOf.get(source);
      if (id !== undefined) globalIds.set(id, { source, ...entry });
    }
    const globalStores: GlobalStore[] = [];
    for (const subtopology of all) {
      const entry = globalIds.get(subtopology.id);
      if (entry === undefined) continue;
      globalStores.push(
        Object.freeze({
          id: subtopology.id,
          store: entry.store,
          topic: entry.topic,
          sourceNode: entry.source,
          processorNode: entry.processor,
          // A global topic is the store's own: not a source of the application's tasks.
          subtopology,
        }),
      );
    }
    return Object.freeze({
      nodes: frozenNodes,
      subtopologies: Object.freeze(all.filter((subtopology) => !globalIds.has(subtopology.id))),
      stores: storeDefinitions,
      repartitionTopics: Object.freeze(repartitionTopics),
      copartitionGroups,
      globalStores: Object.freeze(globalStores),
    });
  }

  /** Each store's processors, in the order they were added; unknown and unused stores are problems. */
  #storeUsers(nodes: readonly PendingNode[], problems: TopologyError[]): Map<string, string[]> {
    const storeUsers = new Map<string, string[]>();
    for (const node of nodes) {
      if (node.kind !== "processor") continue;
      for (const store of node.stores) {
        if (!this.#stores.has(store)) problems.push(new UnknownStoreError(store, node.name));
        else storeUsers.set(store, [...(storeUsers.get(store) ?? []), node.name]);
      }
    }
    for (const store of this.#stores.values()) {
      if (store.userAdded && !storeUsers.has(store.name)) {
        problems.push(
          new StorePlacementError(
            store.name,
            `State store "${store.name}" was added but no processor uses it: pass it in process(..., { stores: ["${store.name}"] })`,
          ),
        );
      }
    }
    return storeUsers;
  }

  /**
   * Numbers the sub-topologies: nodes joined by an edge or by a shared store are one,
   * numbered in the order their first node was added (as Kafka Streams does).
   */
  #subtopologies(
    nodes: readonly PendingNode[],
    storeUsers: ReadonlyMap<string, string[]>,
    problems: TopologyError[],
  ): Map<string, number> {
    const groups = new UnionFind();
    for (const node of nodes) for (const parent of node.predecessors) groups.union(node.name, parent);
    const edgeGroups = new UnionFind();
    for (const node of nodes) for (const parent of node.predecessors) edgeGroups.union(node.name, parent);
    for (const users of storeUsers.values()) for (const user of users.slice(1)) groups.union(users[0] ?? user, user);
    for (const [topic, { sink, source }] of this.#repartitionTopics) {
      // Only a store can pull both ends of a repartition topic into one sub-topology by
      // accident; edges that do so (merging a stream with its own repartition) are the
      // user's explicit choice and Kafka Streams accepts them.
      if (groups.find(sink) !== groups.find(source) || edgeGroups.find(sink) === edgeGroups.find(source)) continue;
      const culprits = [...storeUsers].filter(
        ([, users]) => new Set(users.map((user) => edgeGroups.find(user))).size > 1,
      );
      const names = culprits.map(([store]) => `"${store}"`).join(", ");
      problems.push(
        new StorePlacementError(
          culprits[0]?.[0] ?? topic,
          `State store ${names} is used on both sides of repartition topic "${topic}" (${sink} writes it, ${source} reads it): ` +
            "a store lives in one sub-topology, keyed like the records that reach it; use it only after the repartition",
        ),
      );
    }
    const ids = new Map<string, number>();
    const subtopologyOf = new Map<string, number>();
    for (const node of nodes) {
      const root = groups.find(node.name);
      let id = ids.get(root);
      if (id === undefined) {
        id = ids.size;
        ids.set(root, id);
      }
      subtopologyOf.set(node.name, id);
    }
    return subtopologyOf;
  }

  #freezeStores(
    stores: readonly PendingStore[],
    storeUsers: ReadonlyMap<string, string[]>,
    subtopologyOf: ReadonlyMap<string, number>,
    serde: FillSerde,
  ): Map<string, StoreDefinition> {
    const storeDefinitions = new Map<string, StoreDefinition>();
    for (const store of stores) {
      const users = storeUsers.get(store.name) ?? [];
      storeDefinitions.set(
        store.name,
        Object.freeze({
          name: store.name,
          type: store.type,
          timestamped: store.timestamped,
          caching: store.caching,
          ...(store.windowed !== undefined ? { windowed: store.windowed } : {}),
          ...(store.versioned !== undefined ? { versioned: store.versioned } : {}),
          keySerde: serde(store.keySerde, store.name, "key"),
          valueSerde: serde(store.valueSerde, store.name, "value"),
          persistent: store.persistent,
          logging: store.logging,
          internal: store.internal,
          ...(store.global ? { global: true } : {}),
          processors: Object.freeze([...users]),
          subtopology: subtopologyOf.get(users[0] ?? "") ?? 0,
        }),
      );
    }
    return storeDefinitions;
  }

  #freezeSubtopologies(
    nodes: readonly PendingNode[],
    subtopologyOf: ReadonlyMap<string, number>,
    storeDefinitions: ReadonlyMap<string, StoreDefinition>,
  ): readonly Subtopology[] {
    const ids = [...new Set(subtopologyOf.values())];
    const subtopologies: Subtopology[] = ids.map((id) => {
      const members = nodes.filter((node) => subtopologyOf.get(node.name) === id);
      const sources = members.filter((node): node is PendingSource => node.kind === "source");
      const sinks = members.filter((node): node is PendingSink => node.kind === "sink");
      const unique = (items: (string | undefined)[]): readonly string[] =>
        Object.freeze([...new Set(items.filter((item): item is string => item !== undefined))]);
      return Object.freeze({
        id,
        nodes: Object.freeze(members.map((node) => node.name)),
        sourceTopics: unique(sources.filter((node) => !node.internal).flatMap((node) => node.topics)),
        repartitionSourceTopics: unique(sources.filter((node) => node.internal).flatMap((node) => node.topics)),
        sinkTopics: unique(sinks.filter((node) => !node.internal).map((node) => node.topic)),
        repartitionSinkTopics: unique(sinks.filter((node) => node.internal).map((node) => node.topic)),
        stores: unique(
          [...storeDefinitions.values()].filter((store) => store.subtopology === id).map((store) => store.name),
        ),
      });
    });
    return Object.freeze(subtopologies);
  }

  #addNode(name: string): void {
    this.ensureOpen();
    checkName(name, "Node name");
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

  /**
   * What each missing serde is reported as, should the configuration have no default
   * for it either: keyed "<node or store>/<part>". Repartition sources are left out:
   * they share their serdes with the sink that writes the topic, which reports them.
   */
  #missingSerdes(
    nodes: readonly PendingNode[],
    stores: readonly PendingStore[],
    storeUsers: ReadonlyMap<string, string[]>,
  ): Map<string, MissingSerdeError> {
    const problems = new Map<string, MissingSerdeError>();
    const orDefault = (part: "key" | "value"): string =>
      `, or set default${part === "key" ? "Key" : "Value"}Serde in the configuration`;
    for (const node of nodes) {
      if (node.kind === "processor" || (node.kind === "source" && node.internal)) continue;
      const where =
        node.kind === "source"
          ? `Source ${node.name} (${node.pattern === undefined ? `topics: [${node.topics.join(", ")}]` : `pattern: /${node.pattern.source}/`})`
          : `Sink ${node.name} (topic: ${node.topic ?? node.extractorDescription ?? "dynamic"})`;
      const hint: SerdeHint =
        node.kind === "sink" ? node.serdeHint : "give { key, value } serdes where the stream is created";
      for (const part of ["key", "value"] as const) {
        const serde = part === "key" ? node.keySerde : node.valueSerde;
        if (serde !== undefined && !isUnresolvedSerde(serde)) continue;
        const why = node.kind === "sink" ? ` (the ${part} type changed upstream, so no serde could be kept)` : "";
        problems.set(
          `${node.name}/${part}`,
          new MissingSerdeError(
            node.name,
            part,
            `${where} has no ${part} serde${why}: ${hintFor(hint, part)}${orDefault(part)}`,
          ),
        );
      }
    }
    for (const store of stores) {
      for (const part of ["key", "value"] as const) {
        const serde = part === "key" ? store.keySerde : store.valueSerde;
        if (serde !== undefined && !isUnresolvedSerde(serde)) continue;
        const users = storeUsers.get(store.name) ?? [];
        problems.set(
          `${store.name}/${part}`,
          new MissingSerdeError(
            users[0] ?? store.name,
            part,
            `State store "${store.name}" (used by ${users.join(", ")}) has no ${part} serde: ${hintFor(store.serdeHint, part)}${orDefault(part)}`,
          ),
        );
      }
    }
    return problems;
  }

  #copartition(problems: TopologyError[]): readonly CopartitionGroup[] {
    const groups: CopartitionGroup[] = [];
    const seen = new Set<string>();
    for (const group of this.#copartitionGroups) {
      const sources = [...group.sourceNodes].filter((name) => this.#nodes.get(name)?.kind === "source");
      const key = [...sources].sort().join("\u0000");
      if (sources.length < 2 || seen.has(key)) continue;
      seen.add(key);
      const topics: string[] = [];
      const repartitionTopics: string[] = [];
      for (const name of sources) {
        const node = this.#nodes.get(name);
        if (node?.kind !== "source") continue;
        (node.internal ? repartitionTopics : topics).push(...node.topics);
      }
      const declared = repartitionTopics
        .map((topic) => ({ topic, partitions: this.#repartitionTopics.get(topic)?.partitions }))
        .filter((entry): entry is { topic: string; partitions: number } => entry.partitions !== undefined);
      if (new Set(declared.map((entry) => entry.partitions)).size > 1) {
        problems.push(
          new CopartitionError(
            `${group.requiredBy} joins repartition topics declared with different partition counts ` +
              `(${declared.map((entry) => `${entry.topic}: ${entry.partitions}`).join(", ")}); joined topics must be co-partitioned: give them the same count`,
          ),
        );
      }
      groups.push(
        Object.freeze({
          requiredBy: group.requiredBy,
          sourceNodes: Object.freeze(sources),
          topics: Object.freeze(topics),
          repartitionTopics: Object.freeze(repartitionTopics),
        }),
      );
    }
    return Object.freeze(groups);
  }

  #freezeNode(node: PendingNode, subtopology: number, successors: readonly string[], serde: FillSerde): TopologyNode {
    const common = {
      name: node.name,
      subtopology,
      predecessors: Object.freeze([...node.predecessors]),
      successors: Object.freeze([...successors]),
    };
    switch (node.kind) {
      case "source":
        return Object.freeze<SourceNode>({
          ...common,
          kind: "source",
          topics: Object.freeze([...node.topics]),
          ...(node.pattern === undefined ? {} : { pattern: node.pattern }),
          ...(node.autoOffsetReset === undefined ? {} : { autoOffsetReset: node.autoOffsetReset }),
          internal: node.internal,
          keySerde: serde(node.keySerde, node.name, "key"),
          valueSerde: serde(node.valueSerde, node.name, "value"),
          timestampExtractor: node.timestampExtractor,
        });
      case "processor":
        return Object.freeze<ProcessorNode>({
          ...common,
          kind: "processor",
          operation: node.operation,
          stores: Object.freeze([...node.stores]),
          supplier: node.supplier,
          ...(node.commandHandler === undefined
            ? {}
            : {
                commandHandler: Object.freeze({
                  schema: node.commandHandler.schema,
                  // The handler's store is keyed the same: its key serde reports a gap.
                  keySerde: serde(node.commandHandler.keySerde, node.name, "key"),
                }),
              }),
        });
      case "sink":
        return Object.freeze<SinkNode>({
          ...common,
          kind: "sink",
          topic: node.topic,
          topicExtractor: node.topicExtractor,
          extractorDescription: node.extractorDescription,
          internal: node.internal,
          keySerde: serde(node.keySerde, node.name, "key"),
          valueSerde: serde(node.valueSerde, node.name, "value"),
          partitioner: node.partitioner,
        });
    }
  }
}
