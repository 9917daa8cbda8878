// CogroupedKStream: one aggregate fed by several grouped streams, each with its own
// aggregator (Kafka Streams' CogroupedKStreamImpl and CogroupedStreamAggregateBuilder).
// Every grouped stream gets an aggregate processor of its own, all writing the one store;
// a merge node after them is the resulting table. A grouped stream whose key changed
// upstream is repartitioned first, through `<grouping name or store>-repartition`; all
// inputs must be co-partitioned. Names are spent in Kafka Streams' order, so that the
// nodes, the store, its changelog and the repartition topics are named as Kafka Streams
// names them for the same calls.
import type { AggregateOptions } from "./dsl-options.js";
import { anySerde } from "./dsl-state.js";
import { KTable } from "./ktable.js";
import type { KGroupedStream } from "./kgrouped-stream.js";
import { groupedStateOf } from "./kgrouped-stream.js";
import { NodePrefix } from "../node-names.js";
import type { ProcessorSupplier } from "../processor.js";
import { InvalidOperationError } from "../errors.js";
import type { Aggregator } from "./processors/kstream-aggregate.js";
import { StreamAggregateSupplier } from "./processors/kstream-aggregate.js";
import { CogroupMergeSupplier } from "./processors/cogroup-merge.js";
import type { TableProcessorSupplier } from "./processors/table-processor-supplier.js";
import { storeValueGetterSupplier } from "./processors/value-getter.js";
import type { ValueGetterSupplier } from "./processors/value-getter.js";
import type { StoreSpec } from "../builder-specs.js";
import { SessionWindows } from "./session-windows.js";
import type { SlidingWindows } from "./sliding-windows.js";
import type { TimeWindows } from "./time-windows.js";
import { SessionWindowedCogroupedKStream, TimeWindowedCogroupedKStream } from "./windowed-cogrouped-kstream.js";
import { addRepartition, repartitionNames } from "./repartition.js";
import { checkAggregation, checkWindows } from "./grouped-arguments.js";
import { requireFunction } from "./dsl-arguments.js";
import type { Serde } from "../../serdes/serde.js";

type AnySupplier = ProcessorSupplier<unknown, unknown, unknown, unknown>;

/** What a cogroup's aggregation is materialized with: a store and the merged table's options. */
export interface CogroupAggregateOptions<VOut> extends AggregateOptions<VOut> {
  /** A window or session store's retention in stream time (Materialized.withRetention). */
  retention?: number;
}

/** @internal How plain and windowed cogroups differ: their aggregate processors, store, result keys and view. */
export interface CogroupAggregatePlan<K, KR, VOut> {
  aggregateSupplier(
    store: string,
    aggregator: Aggregator<K, unknown, VOut>,
  ): TableProcessorSupplier<KR, VOut> & { readonly supplier: unknown };
  store(store: string, keySerde: Serde<K> | undefined): Omit<StoreSpec, "valueSerde" | "serdeHint">;
  resultKeySerde(keySerde: Serde<K> | undefined): Serde<KR> | undefined;
  mergeView(store: string, aggregates: readonly TableProcessorSupplier<KR, VOut>[]): ValueGetterSupplier<KR, VOut>;
}

export class CogroupedKStream<K, VOut> {
  // Keyed by grouped stream, in the order they were added: cogrouping one again replaces its aggregator.
  readonly #aggregators = new Map<KGroupedStream<K, unknown>, Aggregator<K, unknown, VOut>>();
  /** The node each grouped stream's aggregate reads from: its repartition source once made (Kafka Streams' parentNodes). */
  readonly #parents = new Map<KGroupedStream<K, unknown>, { name: string; sourceNodes: ReadonlySet<string> }>();

  /** @internal Cogrouped streams come from KGroupedStream.cogroup(). */
  constructor(first: KGroupedStream<K, unknown>, aggregator: Aggregator<K, unknown, VOut>) {
    this.cogroup(first, aggregator);
  }

  /** Adds another grouped stream (of any value type), folded into the same aggregate by its own aggregator. */
  cogroup<VIn>(grouped: KGroupedStream<K, VIn>, aggregator: Aggregator<K, VIn, VOut>): CogroupedKStream<K, VOut> {
    if (grouped === null || grouped === undefined) {
      throw new InvalidOperationError(
        `groupedStream can't be null: cogroup() needs a grouped stream, got ${String(grouped)}`,
      );
    }
    requireFunction(aggregator, "aggregator", "cogroup");
    const first = this.#aggregators.keys().next().value;
    if (first !== undefined && groupedStateOf(first).builder !== groupedStateOf(grouped).builder) {
      throw new InvalidOperationError("cogroup() needs grouped streams of the same StreamsBuilder");
    }
    this.#aggregators.set(grouped as KGroupedStream<K, unknown>, aggregator as Aggregator<K, unknown, VOut>);
    return this;
  }

  /**
   * Folds the records of every cogrouped stream into one aggregate per key, starting from
   * initializer(); each record goes through its own stream's aggregator. Records with a
   * null key or value are skipped, as in Kafka Streams.
   */
  aggregate(initializer: () => VOut, options?: AggregateOptions<VOut>): KTable<K, VOut> {
    checkAggregation("aggregate", [[initializer, "initializer"]], options);
    return this.buildAggregate<K>(options, {
      aggregateSupplier: (store, aggregator) =>
        StreamAggregateSupplier.aggregate<K, unknown, VOut>(store, initializer, aggregator),
      store: (store, keySerde) => ({
        name: store,
        timestamped: true,
        keySerde: anySerde(keySerde),
      }),
      resultKeySerde: (keySerde) => keySerde,
      mergeView: (store) => storeValueGetterSupplier(store),
    });
  }

  /**
   * Cogroups into windows: per key and time window (TimeWindows, SlidingWindows), or per
   * key and session (SessionWindows), as Kafka Streams' windowedBy on a cogrouped stream.
   */
  windowedBy(windows: TimeWindows | SlidingWindows): TimeWindowedCogroupedKStream<K, VOut>;
  windowedBy(windows: SessionWindows): SessionWindowedCogroupedKStream<K, VOut>;
  windowedBy(
    windows: TimeWindows | SlidingWindows | SessionWindows,
  ): TimeWindowedCogroupedKStream<K, VOut> | SessionWindowedCogroupedKStream<K, VOut> {
    checkWindows(windows);
    return windows instanceof SessionWindows
      ? new SessionWindowedCogroupedKStream(this, windows)
      : new TimeWindowedCogroupedKStream(this, windows);
  }

  /**
   * @internal The nodes and store of an aggregation (plain or windowed), in Kafka Streams'
   * order (CogroupedStreamAggregateBuilder): the store's name, the repartitions, one
   * aggregate node per grouped stream, then the merge node that is the table.
   */
  buildAggregate<KR>(
    options: CogroupAggregateOptions<VOut> | undefined,
    plan: CogroupAggregatePlan<K, KR, VOut>,
  ): KTable<KR, VOut> {
    const groups = [...this.#aggregators];
    const [firstGroup] = groups;
    if (firstGroup === undefined) throw new InvalidOperationError("aggregate() needs at least one cogrouped stream");
    const builder = groupedStateOf(firstGroup[0]).builder;
    const store = options?.store ?? builder.newStoreName(NodePrefix.COGROUP_AGGREGATE);
    this.#processRepartitions(store);

    const keySerde = groups.map(([grouped]) => groupedStateOf(grouped).keySerde).find((serde) => serde !== undefined);
    const valueSerde: Serde<VOut> | undefined = options?.value;
    const aggregates: TableProcessorSupplier<KR, VOut>[] = [];
    const aggregateNames: string[] = [];
    const sourceNodes = new Set<string>();
    groups.forEach(([grouped, aggregator], index) => {
      const parent = this.#parents.get(grouped);
      if (parent === undefined) throw new InvalidOperationError("a cogrouped stream lost its parent node");
      const name = builder.suffixedOr(options?.name, `-cogroup-agg-${index}`, NodePrefix.COGROUP_AGGREGATE);
      const supplier = plan.aggregateSupplier(store, aggregator);
      builder.addProcessor({
        name,
        operation: "cogroup",
        supplier: supplier.supplier as AnySupplier,
        parents: [parent.name],
      });
      if (index === 0) {
        builder.addStore({
          ...plan.store(store, keySerde),
          valueSerde: anySerde(valueSerde),
          ...(options?.persistent !== undefined ? { persistent: options.persistent } : {}),
          ...(options?.logging !== undefined ? { logging: options.logging } : {}),
          serdeHint: {
            key: "pass { key: <serde> } to groupBy() or groupByKey()",
            value: "pass { value: <serde> } to aggregate()",
          },
        });
      }
      builder.connectStores(name, [store]);
      aggregates.push(supplier);
      aggregateNames.push(name);
      for (const node of parent.sourceNodes) sourceNodes.add(node);
    });

    const mergeName = builder.suffixedOr(options?.name, "-cogroup-merge", NodePrefix.COGROUP_MERGE);
    const merge = new CogroupMergeSupplier<KR, VOut>(aggregates, () => plan.mergeView(store, aggregates));
    builder.addProcessor({
      name: mergeName,
      operation: "cogroup-merge",
      supplier: merge.supplier as AnySupplier,
      parents: aggregateNames,
    });
    return new KTable<KR, VOut>({
      builder,
      name: mergeName,
      keySerde: plan.resultKeySerde(keySerde),
      valueSerde,
      sourceNodes,
      supplier: merge,
      queryableStoreName: options?.store,
    });
  }

  /**
   * Kafka Streams' processRepartitions: a grouped stream whose key changed is
   * repartitioned once per cogroup (later aggregations reuse it, yet burn the names
   * again), under its grouping name or the store's; all inputs must be co-partitioned.
   */
  #processRepartitions(store: string): void {
    const sourceNodes = new Set<string>();
    let builder: ReturnType<typeof groupedStateOf>["builder"] | undefined;
    for (const grouped of this.#aggregators.keys()) {
      const state = groupedStateOf(grouped);
      builder = state.builder;
      if (!state.repartitionRequired) {
        this.#parents.set(grouped, { name: state.name, sourceNodes: state.sourceNodes });
      } else {
        const names = repartitionNames(state.builder, state.groupedName ?? store);
        if (!this.#parents.has(grouped)) {
          const source = addRepartition(state.builder, names, {
            parent: state.name,
            keySerde: state.keySerde,
            valueSerde: state.valueSerde,
            serdeOrigin: "groupBy()",
          });
          this.#parents.set(grouped, { name: source, sourceNodes: new Set([source]) });
        }
      }
      for (const node of this.#parents.get(grouped)?.sourceNodes ?? []) sourceNodes.add(node);
    }
    builder?.addCopartitionGroup(`cogroup() into ${store}`, sourceNodes);
  }
}
