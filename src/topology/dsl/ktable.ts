// KTable: a changelog stream read as a table, one current value per key (Kafka Streams'
// KTable / KTableImpl). Updates flow as Change(new, old); a table is materialized in a
// store when it is named, aggregated, or read by a join, and computed on the fly
// otherwise. toStream() turns updates back into records, deletes into null values.
import type { KeyValue } from "../../stores/key-value-store.js";
import type { ForeignKeyJoinOptions, GroupedOptions, Named, TableTransformOptions } from "./dsl-options.js";
import { isMaterialization } from "./dsl-options.js";
import type { InternalTopologyBuilder } from "../internal-topology-builder.js";
import { dsl } from "./dsl-state.js";
import type { TableState } from "./dsl-state.js";
import { InvalidOperationError } from "../errors.js";
import { requireFunction, requireTable } from "./dsl-arguments.js";
import { requireArgument, requireOptions } from "./kstream-arguments.js";
import { KGroupedTable } from "./kgrouped-table.js";
import { KStream } from "./kstream.js";
import { foreignKeyJoin } from "./foreign-key-join.js";
import { suppressTable } from "./ktable-suppress.js";
import { addTableStore } from "./table-store.js";
import { joinTables } from "./table-table-join.js";
import type { Suppressed } from "./suppressed.js";
import { NodePrefix } from "../node-names.js";
import type { ProcessorSupplier } from "../processor.js";
import type { Change } from "./processors/change.js";
import { TableTransformSupplier } from "./processors/ktable-transform.js";
import { TableTransformValuesSupplier } from "./processors/ktable-transform-values.js";
import type { ValueTransformerWithKeySupplier } from "./processors/ktable-transform-values.js";
import type { TableChangeSupplier, TableProcessorSupplier } from "./processors/table-processor-supplier.js";
import { tableRepartitionMapSupplier } from "./processors/ktable-repartition-map.js";
import { mapValuesSupplier } from "./processors/stream-processors.js";
import type { Serde } from "../../serdes/serde.js";

type AnySupplier = ProcessorSupplier<unknown, unknown, unknown, unknown>;

export class KTable<K, V> {
  /** @internal */
  readonly [dsl]: TableState<K, V>;

  /** @internal Tables come from StreamsBuilder.table(), aggregations and joins. */
  constructor(state: TableState<K, V>) {
    this[dsl] = state;
  }

  /** The node this table ends at. */
  get name(): string {
    return this[dsl].name;
  }

  /** The store to query this table by, when it was given one by name. */
  get queryableStoreName(): string | undefined {
    return this[dsl].queryableStoreName;
  }

  /** Keeps the rows the predicate accepts; a row that stops matching is deleted downstream. */
  filter(predicate: (key: K, value: V) => boolean, options?: TableTransformOptions<V>): KTable<K, V> {
    requireFunction(predicate, "predicate", "filter");
    return this.#filter(predicate, false, options);
  }

  filterNot(predicate: (key: K, value: V) => boolean, options?: TableTransformOptions<V>): KTable<K, V> {
    requireFunction(predicate, "predicate", "filterNot");
    return this.#filter(predicate, true, options);
  }

  mapValues<VR>(mapper: (value: V, key: K) => VR, options?: TableTransformOptions<VR>): KTable<K, VR> {
    requireFunction(mapper, "mapper", "mapValues");
    requireOptions(options, "materialized", "mapValues");
    const state = this[dsl];
    burnUnnamedStore(state.builder, NodePrefix.TABLE_MAPVALUES, options);
    const name = state.builder.nameOr(NodePrefix.TABLE_MAPVALUES, options?.name);
    const supplier = new TableTransformSupplier<K, V, VR>(
      state.supplier,
      (key, value) => mapper(value, key),
      options?.store,
      false,
    );
    return this.#transform(name, "mapValues", supplier, options?.value, options);
  }

  /**
   * Transforms each row's value with a ValueTransformerWithKey (Kafka Streams'
   * KTable.transformValues): a new transformer per task, initialised with a context that
   * reads the stores named here (added with builder.addStateStore()) but cannot forward.
   * The transformer also sees deletes (a null value), and what it returns is the new row,
   * null deleting it. Materialized only when given a store name (`{ store }`); otherwise a
   * join or aggregation downstream reads it through a getter that transforms again.
   */
  transformValues<VR>(supplier: ValueTransformerWithKeySupplier<K, V, VR>, ...storeNames: string[]): KTable<K, VR>;
  transformValues<VR>(
    supplier: ValueTransformerWithKeySupplier<K, V, VR>,
    options: TableTransformOptions<VR>,
    ...storeNames: string[]
  ): KTable<K, VR>;
  transformValues<VR>(
    supplier: ValueTransformerWithKeySupplier<K, V, VR>,
    optionsOrStore?: TableTransformOptions<VR> | string,
    ...storeNames: string[]
  ): KTable<K, VR> {
    if (typeof supplier !== "function" && (typeof supplier !== "object" || supplier === null)) {
      throw new InvalidOperationError("transformerSupplier can't be null: transformValues() needs a supplier");
    }
    if (typeof optionsOrStore !== "string") requireOptions(optionsOrStore, "materialized", "transformValues");
    const options = typeof optionsOrStore === "object" ? optionsOrStore : undefined;
    const stores = typeof optionsOrStore === "string" ? [optionsOrStore, ...storeNames] : storeNames;
    for (const store of stores) {
      if (typeof store !== "string") throw new InvalidOperationError("stateStoreNames can't be null: name each store");
    }
    const state = this[dsl];
    // Unlike mapValues, Kafka Streams spends no store name for an unnamed Materialized here.
    const name = state.builder.nameOr(NodePrefix.TABLE_TRANSFORMVALUES, options?.name);
    const transform = new TableTransformValuesSupplier<K, V, VR>(state.supplier, supplier, options?.store);
    return this.#transform(name, "transformValues", transform, options?.value, options, stores);
  }

  /**
   * Holds updates back (Kafka Streams' suppress): each window's final result with
   * Suppressed.untilWindowCloses(BufferConfig.unbounded()), or a key's latest update after a
   * quiet period with Suppressed.untilTimeLimit(ms, bufferConfig).
   */
  suppress(suppressed: Suppressed<K>): KTable<K, V> {
    return new KTable<K, V>(suppressTable(this[dsl], suppressed));
  }

  /**
   * The table's updates as a stream: one record per update, with a null value for a
   * delete. With a mapper, each record gets the key it returns (Kafka Streams'
   * toStream(KeyValueMapper): toStream() then selectKey()).
   */
  toStream<KR>(mapper: (key: K, value: V | null) => KR, options?: Named): KStream<KR, V | null>;
  toStream(options?: Named): KStream<K, V | null>;
  toStream<KR>(
    mapperOrOptions?: ((key: K, value: V | null) => KR) | Named,
    named?: Named,
  ): KStream<K, V | null> | KStream<KR, V | null> {
    // Java's toStream((KeyValueMapper) null): a null is taken for a missing mapper, not for missing options.
    if (mapperOrOptions === null) requireArgument(mapperOrOptions, "mapper", "toStream", "a key mapper or options");
    if (typeof mapperOrOptions === "function") {
      requireOptions(named, "named", "toStream");
      return this.#toStream(named).selectKey(mapperOrOptions as (key: K, value: V | null) => KR);
    }
    return this.#toStream(mapperOrOptions);
  }

  #toStream(options: Named | undefined): KStream<K, V | null> {
    const state = this[dsl];
    const name = state.builder.nameOr(NodePrefix.TABLE_TOSTREAM, options?.name);
    state.builder.addProcessor({
      name,
      operation: "toStream",
      supplier: mapValuesSupplier<K, Change<V>, V | null>((change) => change.newValue) as AnySupplier,
      parents: [state.name],
    });
    return new KStream<K, V | null>({
      builder: state.builder,
      name,
      keySerde: state.keySerde,
      valueSerde: state.valueSerde,
      sourceNodes: state.sourceNodes,
      repartitionRequired: false,
    });
  }

  /** Rows present in both tables. */
  join<VO, VR>(
    other: KTable<K, VO>,
    joiner: (value: V, otherValue: VO) => VR,
    options?: TableTransformOptions<VR>,
  ): KTable<K, VR>;
  /**
   * Foreign-key join (KIP-213): each row of this table joins the row of `other` whose key
   * `foreignKeyExtractor` reads from it; rows without a match (or with a null foreign key)
   * have no result. Both tables may be partitioned differently: the join goes through
   * Kafka Streams' subscription-registration and subscription-response topics, and a
   * result computed for an older value of a row is dropped (the hash check).
   */
  join<KO, VO, VR>(
    other: KTable<KO, VO>,
    foreignKeyExtractor: (value: V, key: K) => KO | null | undefined,
    joiner: (value: V, foreignValue: VO) => VR,
    options?: ForeignKeyJoinOptions<K, KO, VR>,
  ): KTable<K, VR>;
  join<KO, VO, VR>(
    other: KTable<K, VO> | KTable<KO, VO>,
    joinerOrExtractor: ((value: V, otherValue: VO) => VR) | ((value: V, key: K) => KO | null | undefined),
    joinerOrOptions?: ((value: V, foreignValue: VO) => VR) | TableTransformOptions<VR>,
    options?: ForeignKeyJoinOptions<K, KO, VR>,
  ): KTable<K, VR> {
    requireTable(other, "join");
    requireFunction(
      joinerOrExtractor,
      typeof joinerOrOptions === "function" ? "foreignKeyExtractor" : "joiner",
      "join",
    );
    if (typeof joinerOrOptions === "function") {
      const joiner = joinerOrOptions;
      return this.#foreignKeyJoin(
        other as KTable<KO, VO>,
        joinerOrExtractor as (value: V, key: K) => KO | null | undefined,
        (value, foreignValue) => joiner(value as V, foreignValue as VO),
        false,
        options,
      );
    }
    const joiner = joinerOrExtractor as (value: V, otherValue: VO) => VR;
    return new KTable<K, VR>(
      joinTables(
        this[dsl],
        (other as KTable<K, VO>)[dsl],
        "inner",
        (value, otherValue) => joiner(value as V, otherValue as VO),
        joinerOrOptions,
      ),
    );
  }

  /** Every row of this table, joined with the other's row or null. */
  leftJoin<VO, VR>(
    other: KTable<K, VO>,
    joiner: (value: V, otherValue: VO | null) => VR,
    options?: TableTransformOptions<VR>,
  ): KTable<K, VR>;
  /**
   * Foreign-key left join (KIP-213): every row of this table, joined with the row of
   * `other` its foreign key names, or with null when there is none (or the key is null).
   */
  leftJoin<KO, VO, VR>(
    other: KTable<KO, VO>,
    foreignKeyExtractor: (value: V, key: K) => KO | null | undefined,
    joiner: (value: V, foreignValue: VO | null) => VR,
    options?: ForeignKeyJoinOptions<K, KO, VR>,
  ): KTable<K, VR>;
  leftJoin<KO, VO, VR>(
    other: KTable<K, VO> | KTable<KO, VO>,
    joinerOrExtractor: ((value: V, otherValue: VO | null) => VR) | ((value: V, key: K) => KO | null | undefined),
    joinerOrOptions?: ((value: V, foreignValue: VO | null) => VR) | TableTransformOptions<VR>,
    options?: ForeignKeyJoinOptions<K, KO, VR>,
  ): KTable<K, VR> {
    requireTable(other, "leftJoin");
    requireFunction(
      joinerOrExtractor,
      typeof joinerOrOptions === "function" ? "foreignKeyExtractor" : "joiner",
      "leftJoin",
    );
    if (typeof joinerOrOptions === "function") {
      const joiner = joinerOrOptions;
      return this.#foreignKeyJoin(
        other as KTable<KO, VO>,
        joinerOrExtractor as (value: V, key: K) => KO | null | undefined,
        (value, foreignValue) => joiner(value as V, foreignValue),
        true,
        options,
      );
    }
    const joiner = joinerOrExtractor as (value: V, otherValue: VO | null) => VR;
    return new KTable<K, VR>(
      joinTables(
        this[dsl],
        (other as KTable<K, VO>)[dsl],
        "left",
        (value, otherValue) => joiner(value as V, otherValue),
        joinerOrOptions,
      ),
    );
  }

  /** Every row of either table, joined with the other's row or null. */
  outerJoin<VO, VR>(
    other: KTable<K, VO>,
    joiner: (value: V | null, otherValue: VO | null) => VR,
    options?: TableTransformOptions<VR>,
  ): KTable<K, VR> {
    requireTable(other, "outerJoin");
    requireFunction(joiner, "joiner", "outerJoin");
    return new KTable<K, VR>(joinTables(this[dsl], other[dsl], "outer", joiner, options));
  }

  /**
   * Re-groups the rows by a new key (through a repartition topic) for aggregate(),
   * reduce() or count() with an adder and a subtractor: an update moves the row from its
   * old group to its new one, a delete removes it.
   */
  groupBy<KR, VR>(
    selector: (key: K, value: V) => KeyValue<KR, VR>,
    options?: GroupedOptions<KR, VR>,
  ): KGroupedTable<KR, VR> {
    requireFunction(selector, "selector", "groupBy");
    const state = this[dsl];
    const name = state.builder.nameOr(NodePrefix.TABLE_SELECT, options?.name);
    const keySerde = options?.key;
    state.builder.addProcessor({
      name,
      operation: "groupBy",
      supplier: tableRepartitionMapSupplier<K, V, KR, VR>(selector, () => keySerde) as AnySupplier,
      parents: [state.name],
    });
    // The subtractor needs the old value of every update.
    state.supplier.enableSendingOldValues(true);
    return new KGroupedTable<KR, VR>({
      builder: state.builder,
      name,
      keySerde,
      valueSerde: options?.value ?? (state.valueSerde as unknown as Serde<VR> | undefined),
      groupedName: options?.name,
    });
  }

  #filter(
    predicate: (key: K, value: V) => boolean,
    negate: boolean,
    options: TableTransformOptions<V> | undefined,
  ): KTable<K, V> {
    requireOptions(options, "materialized", negate ? "filterNot" : "filter");
    const state = this[dsl];
    burnUnnamedStore(state.builder, NodePrefix.TABLE_FILTER, options);
    const name = state.builder.nameOr(NodePrefix.TABLE_FILTER, options?.name);
    const supplier = new TableTransformSupplier<K, V, V>(
      state.supplier,
      (key, value) => (predicate(key, value) !== negate ? value : null),
      options?.store,
      true,
    );
    return this.#transform(
      name,
      negate ? "filterNot" : "filter",
      supplier,
      options?.value ?? state.valueSerde,
      options,
    );
  }

  #transform<VR>(
    name: string,
    operation: string,
    supplier: TableProcessorSupplier<K, VR> & { readonly supplier: TableChangeSupplier<K, Change<V>, K, VR> },
    valueSerde: Serde<VR> | undefined,
    options: TableTransformOptions<VR> | undefined,
    storeNames: readonly string[] = [],
  ): KTable<K, VR> {
    const state = this[dsl];
    state.builder.addProcessor({ name, operation, supplier: supplier.supplier as AnySupplier, parents: [state.name] });
    if (storeNames.length > 0) state.builder.connectStores(name, storeNames);
    if (options?.store !== undefined) {
      addTableStore(state.builder, options.store, name, state.keySerde, valueSerde, options, operation);
    }
    return new KTable<K, VR>({
      builder: state.builder,
      name,
      keySerde: state.keySerde,
      valueSerde,
      sourceNodes: state.sourceNodes,
      supplier,
      queryableStoreName: options?.store,
    });
  }

  #foreignKeyJoin<KO, VO, VR>(
    other: KTable<KO, VO>,
    foreignKeyExtractor: (value: V, key: K) => KO | null | undefined,
    joiner: (value: V | null, foreignValue: VO | null) => VR,
    leftJoin: boolean,
    options: ForeignKeyJoinOptions<K, KO, VR> | undefined,
  ): KTable<K, VR> {
    const state = this[dsl];
    const otherState = other[dsl];
    if (otherState.builder !== state.builder) {
      throw new InvalidOperationError(
        `${leftJoin ? "leftJoin" : "join"}() needs two tables of the same StreamsBuilder`,
      );
    }
    const result = foreignKeyJoin(state, otherState, foreignKeyExtractor, joiner, leftJoin, options);
    return new KTable<K, VR>({
      builder: state.builder,
      name: result.name,
      keySerde: state.keySerde,
      valueSerde: options?.value,
      sourceNodes: result.sourceNodes,
      supplier: result.supplier,
      queryableStoreName: result.queryableStoreName,
    });
  }
}

/**
 * Kafka Streams' filter and mapValues given a Materialized without a store name burn a
 * store name before naming their node ("to keep compatibility"), and materialize nothing.
 */
function burnUnnamedStore(builder: InternalTopologyBuilder, prefix: string, options: object | undefined): void {
  if (isMaterialization(options) && (options as { store?: string }).store === undefined) builder.newStoreName(prefix);
}
