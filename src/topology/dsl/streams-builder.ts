// StreamsBuilder: where a topology starts (Kafka Streams' StreamsBuilder). stream() and
// table() read topics, addStateStore() declares stores for process(), build() checks
// the whole graph and returns the Topology as data.
import type { ConsumedOptions, GlobalTableOptions, StateStoreOptions, TableOptions } from "./dsl-options.js";
import { GlobalKTable } from "./global-ktable.js";
import { anySerde } from "./dsl-state.js";
import { InvalidOperationError } from "../errors.js";
import { InternalTopologyBuilder } from "../internal-topology-builder.js";
import { dslStoresPersistent } from "../dsl-store-suppliers.js";
import type { DslStoreSuppliers } from "../dsl-store-suppliers.js";
import { checkName } from "../legal-names.js";
import { KStream } from "./kstream.js";
import { KTable } from "./ktable.js";
import { NodePrefix } from "../node-names.js";
import type { ProcessorSupplier } from "../processor.js";
import { TableSourceSupplier } from "./processors/ktable-source.js";
import { versionedStoreSpecOf } from "../store-options.js";
import { Topology } from "../topology.js";
import { optimizationsOf } from "../topology-optimization.js";
import type { OptimizationRule } from "../topology-optimization.js";
import { BUILT_IN_TIMESTAMP_EXTRACTORS } from "../timestamp-extractor.js";
import type { TimestampExtractor } from "../timestamp-extractor.js";

/**
 * Kafka Streams' TopologyConfig, the overrides a StreamsBuilder takes: a name, which
 * describe() prints ("Topology: <name>:"), and the kind of store the DSL makes where an
 * operation does not say (`persistent`): default.dsl.store, or dsl.store.suppliers.class,
 * which wins, as "rocksDB" (Eddy's persistent LevelDB stores) or "in_memory". And
 * topology.optimization, which Kafka Streams takes in build(props): "none" (the default),
 * "all", or a comma-separated list of "reuse.ktable.source.topics",
 * "merge.repartition.topics", "single.store.self.join".
 */
export interface TopologyConfig {
  topologyName?: string;
  defaultDslStore?: DslStoreSuppliers;
  dslStoreSuppliers?: DslStoreSuppliers;
  topologyOptimization?: string;
}

/**
 * What StreamsBuilder.build(props) reads, as Kafka Streams' build(Properties): topology.optimization.
 * The application's config may be given as it is; build() reads this field alone.
 */
export interface BuildProperties {
  topologyOptimization?: string;
  /** Kafka Streams' own key, for properties ported as they are. */
  "topology.optimization"?: string;
}

export class StreamsBuilder {
  readonly #builder = new InternalTopologyBuilder();
  readonly #optimizations: ReadonlySet<OptimizationRule>;

  constructor(config: TopologyConfig = {}) {
    this.#optimizations = optimizationsOf(config.topologyOptimization);
    const { topologyName } = config;
    if (topologyName !== undefined && (typeof topologyName !== "string" || topologyName === "")) {
      throw new InvalidOperationError(`topologyName must be a non-empty string, not ${JSON.stringify(topologyName)}`);
    }
    this.#builder.configure(
      topologyName,
      dslStoresPersistent(config.dslStoreSuppliers, "dslStoreSuppliers") ??
        dslStoresPersistent(config.defaultDslStore, "defaultDslStore"),
    );
  }

  /**
   * A stream of the records of one topic, of several topics as one stream, or of every
   * topic whose whole name matches a regular expression (topics created later included).
   */
  stream<K = unknown, V = unknown>(
    topics: string | readonly string[] | RegExp,
    options: ConsumedOptions<K, V> = {},
  ): KStream<K, V> {
    checkTimestampExtractor(options.timestampExtractor);
    const builder = this.#builder;
    const pattern = topics instanceof RegExp ? topics : undefined;
    const list =
      pattern !== undefined ? [] : typeof topics === "string" ? [topics] : [...(topics as readonly string[])];
    if (pattern === undefined && list.length === 0)
      throw new InvalidOperationError("stream() needs at least one topic");
    const name = builder.nameOr(NodePrefix.SOURCE, options.name);
    // Kafka Streams merges sources that read exactly the same topics, or the same pattern, into one node.
    const existing =
      options.name !== undefined
        ? undefined
        : pattern !== undefined
          ? builder.sourceReadingPattern(pattern)
          : builder.sourceReading(list);
    if (existing !== undefined) {
      const read =
        pattern !== undefined
          ? `Pattern /${pattern.source}/ is`
          : `Topic${list.length > 1 ? "s" : ""} ${list.join(", ")} ${list.length > 1 ? "are" : "is"}`;
      checkSameRead(builder, existing, read, options);
    } else {
      builder.addSource({
        name,
        topics: list,
        ...(pattern === undefined ? {} : { pattern }),
        ...(options.autoOffsetReset === undefined ? {} : { autoOffsetReset: options.autoOffsetReset }),
        keySerde: anySerde(options.key),
        valueSerde: anySerde(options.value),
        timestampExtractor: options.timestampExtractor,
      });
    }
    return new KStream<K, V>({
      builder,
      name: existing ?? name,
      keySerde: options.key,
      valueSerde: options.value,
      sourceNodes: new Set([existing ?? name]),
      repartitionRequired: false,
    });
  }

  /**
   * A table of the latest value per key of a topic (a null value deletes). It gets a
   * store when `store` names one, or when a join or groupBy needs to read it; the store
   * is otherwise named `<topic>-STATE-STORE-<index>`, as in Kafka Streams.
   */
  table<K = unknown, V = unknown>(topic: string, options: TableOptions<K, V> = {}): KTable<K, V> {
    checkTimestampExtractor(options.timestampExtractor);
    const builder = this.#builder;
    checkName(topic, "Topic name");
    const storeName = options.store ?? builder.newStoreName(`${topic}-`);
    const sourceName = builder.suffixedOr(options.name, "-source", NodePrefix.SOURCE);
    const name = builder.nameOr(NodePrefix.TABLE_SOURCE, options.name);
    builder.addSource({
      name: sourceName,
      topics: [topic],
      ...(options.autoOffsetReset === undefined ? {} : { autoOffsetReset: options.autoOffsetReset }),
      keySerde: anySerde(options.key),
      valueSerde: anySerde(options.value),
      timestampExtractor: options.timestampExtractor,
    });
    const versioned = versionedStoreSpecOf({ ...options, name: storeName });
    builder.addStore({
      name: storeName,
      // A versioned store keeps each version's timestamp itself, and is never cached (Kafka Streams).
      timestamped: versioned.versioned === undefined,
      caching: versioned.versioned === undefined && (options.caching ?? true),
      keySerde: anySerde(options.key),
      valueSerde: anySerde(options.value),
      ...(options.persistent !== undefined ? { persistent: options.persistent } : {}),
      ...(options.logging !== undefined ? { logging: options.logging } : {}),
      ...versioned,
      tableSourceTopic: topic,
      serdeHint: "pass { {part}: <serde> } to table()",
    });
    const supplier = new TableSourceSupplier<K, V>(
      storeName,
      false,
      () => builder.connectStores(name, [storeName]),
      versioned.versioned,
    );
    builder.addProcessor({
      name,
      operation: "table",
      supplier: supplier.supplier as ProcessorSupplier<unknown, unknown, unknown, unknown>,
      parents: [sourceName],
    });
    if (options.store !== undefined || versioned.versioned !== undefined) supplier.materialize();
    return new KTable<K, V>({
      builder,
      name,
      keySerde: options.key,
      valueSerde: options.value,
      sourceNodes: new Set([sourceName]),
      supplier,
      queryableStoreName: options.store,
    });
  }

  /**
   * The whole topic as a table on every instance (Kafka Streams' globalTable): read by a
   * consumer of its own outside the group, restored from the topic before the application
   * runs, kept in `<topic>-STATE-STORE-<index>` unless `store` names it. Streams join it by
   * any key (join(globalTable, keySelector, joiner)); queries read it on any instance.
   */
  globalTable<K = unknown, V = unknown>(topic: string, options: GlobalTableOptions<K, V> = {}): GlobalKTable<K, V> {
    checkTimestampExtractor(options.timestampExtractor);
    // As Kafka Streams' globalTable(): a global table's store is never versioned.
    if ((options as { versioned?: unknown }).versioned !== undefined) {
      throw new InvalidOperationError(
        `globalTable("${topic}") cannot be materialized in a versioned store: global tables are plain key-value stores`,
      );
    }
    const builder = this.#builder;
    checkName(topic, "Topic name");
    const storeName = options.store ?? builder.newStoreName(`${topic}-`);
    const sourceName = builder.suffixedOr(options.name, "-source", NodePrefix.SOURCE);
    const processorName = builder.nameOr(NodePrefix.TABLE_SOURCE, options.name);
    const supplier = new TableSourceSupplier<K, V>(storeName, true, () => undefined);
    builder.addGlobalStore({
      store: {
        name: storeName,
        timestamped: true,
        keySerde: anySerde(options.key),
        valueSerde: anySerde(options.value),
        ...(options.persistent !== undefined ? { persistent: options.persistent } : {}),
        serdeHint: "pass { {part}: <serde> } to globalTable()",
      },
      sourceName,
      topic,
      keySerde: anySerde(options.key),
      valueSerde: anySerde(options.value),
      timestampExtractor: options.timestampExtractor,
      processorName,
      operation: "globalTable",
      supplier: supplier.supplier as ProcessorSupplier<unknown, unknown, unknown, unknown>,
    });
    return new GlobalKTable<K, V>({
      builder,
      storeName,
      keySerde: options.key,
      valueSerde: options.value,
      queryableStoreName: options.store,
    });
  }

  /**
   * A global store kept by a processor of your own (Kafka Streams' addGlobalStore): the
   * processor receives every record of the topic, on every instance, and writes the store;
   * it forwards nothing. Any processor reads the store with getStateStore(), unconnected.
   */
  addGlobalStore<K, V>(
    store: StateStoreOptions<K, V>,
    topic: string,
    options: ConsumedOptions<K, V>,
    stateUpdateSupplier: ProcessorSupplier<K, V, never, never>,
  ): this {
    checkTimestampExtractor(options.timestampExtractor);
    const builder = this.#builder;
    checkName(topic, "Topic name");
    const sourceName = builder.suffixedOr(options.name, "-source", NodePrefix.SOURCE);
    const processorName = builder.nameOr(NodePrefix.TABLE_SOURCE, options.name);
    builder.addGlobalStore({
      store: {
        name: store.name,
        ...(store.timestamped !== undefined ? { timestamped: store.timestamped } : {}),
        keySerde: anySerde(store.key),
        valueSerde: anySerde(store.value),
        // The user's store: the topology's default kind of DSL store is not for it.
        persistent: store.persistent ?? true,
        serdeHint: "pass { {part}: <serde> } to addGlobalStore()",
      },
      sourceName,
      topic,
      keySerde: anySerde(options.key),
      valueSerde: anySerde(options.value),
      timestampExtractor: options.timestampExtractor,
      processorName,
      operation: "globalStore",
      supplier: stateUpdateSupplier as ProcessorSupplier<unknown, unknown, unknown, unknown>,
    });
    return this;
  }

  /** A store for process(..., { stores: [name] }); it is built with the processors that use it. */
  addStateStore<K, V>(store: StateStoreOptions<K, V>): this {
    this.#builder.addStore({
      name: store.name,
      ...(store.timestamped !== undefined ? { timestamped: store.timestamped } : {}),
      ...(store.caching !== undefined ? { caching: store.caching } : {}),
      keySerde: anySerde(store.key),
      valueSerde: anySerde(store.value),
      ...(store.persistent !== undefined ? { persistent: store.persistent } : {}),
      ...(store.logging !== undefined ? { logging: store.logging } : {}),
      ...versionedStoreSpecOf(store),
      userAdded: true,
      serdeHint: "pass { {part}: <serde> } to addStateStore()",
    });
    return this;
  }

  /**
   * Validates the graph and returns it as a Topology; the builder cannot be used afterwards.
   * `props` may ask for topology.optimization (`topologyOptimization`, or Kafka Streams' key
   * "topology.optimization"), which then replaces the TopologyConfig's; the application's
   * config object may be passed as it is.
   */
  build(props?: BuildProperties): Topology {
    const optimizations = optimizationsOfProps(props) ?? this.#optimizations;
    return Topology.fromBuilder(this.#builder, this.#builder.build(optimizations));
  }
}

/**
 * A second read of topics (or a pattern) a source already reads is that source again,
 * as Kafka Streams merges duplicate sources, when it reads them the same way.
 */
function checkSameRead<K, V>(
  builder: InternalTopologyBuilder,
  existing: string,
  read: string,
  options: ConsumedOptions<K, V>,
): void {
  const serdes = builder.sourceSerdes(existing);
  if (
    serdes.keySerde !== anySerde(options.key) ||
    serdes.valueSerde !== anySerde(options.value) ||
    serdes.timestampExtractor !== options.timestampExtractor
  ) {
    throw new InvalidOperationError(
      `${read} already read by ${existing} with other serdes or another timestamp extractor; read a topic once, with one pair of serdes`,
    );
  }
  // As Kafka Streams' build(): one topic, one reset policy (set on both reads, or on neither).
  if (serdes.autoOffsetReset !== options.autoOffsetReset) {
    throw new InvalidOperationError(
      `${read} already read by ${existing} with autoOffsetReset ${String(serdes.autoOffsetReset)}, and now with ${String(options.autoOffsetReset)}; give every read of a topic the same reset policy`,
    );
  }
}

function optimizationsOfProps(props: BuildProperties | undefined): ReadonlySet<OptimizationRule> | undefined {
  if (props === undefined || props === null) return undefined;
  if (props.topologyOptimization !== undefined) return optimizationsOf(props.topologyOptimization);
  const javaKey = props["topology.optimization"];
  return javaKey === undefined ? undefined : optimizationsOf(javaKey, "topology.optimization");
}

function checkTimestampExtractor(extractor: TimestampExtractor | undefined): void {
  if (extractor === undefined || typeof extractor === "function") return;
  if (!(BUILT_IN_TIMESTAMP_EXTRACTORS as readonly string[]).includes(extractor)) {
    throw new InvalidOperationError(
      `Unknown timestampExtractor ${JSON.stringify(extractor)}: use one of ${BUILT_IN_TIMESTAMP_EXTRACTORS.join(", ")}, or a function (record, partitionTime) => timestamp`,
    );
  }
}
