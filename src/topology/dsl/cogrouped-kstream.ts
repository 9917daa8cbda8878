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
import { addRepartition, repartitionNames } from "./repartition.js";
import type { Serde } from "../../serdes/serde.js";

type AnySupplier = ProcessorSupplier<unknown, unknown, unknown, unknown>;

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
    if (grouped === null || grouped === undefined) throw new InvalidOperationError("cogroup() needs a grouped stream");
    if (typeof aggregator !== "function") throw new InvalidOperationError("cogroup() needs an aggregator function");
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
    if (typeof initializer !== "function") throw new InvalidOperationError("aggregate() needs an initializer function");
    const groups = [...this.#aggregators];
    const [firstGroup] = groups;
    if (firstGroup === undefined) throw new InvalidOperationError("aggregate() needs at least one cogrouped stream");
    const builder = groupedStateOf(firstGroup[0]).builder;
    const store = options?.store ?? builder.newStoreName(NodePrefix.COGROUP_AGGREGATE);
    this.#processRepartitions(store);

    const keySerde = groups.map(([grouped]) => groupedStateOf(grouped).keySerde).find((serde) => serde !== undefined);
    const valueSerde: Serde<VOut> | undefined = options?.value;
    const aggregates: StreamAggregateSupplier<K, unknown, VOut>[] = [];
    const aggregateNames: string[] = [];
    const sourceNodes = new Set<string>();
    groups.forEach(([grouped, aggregator], index) => {
      const parent = this.#parents.get(grouped);
      if (parent === undefined) throw new InvalidOperationError("a cogrouped stream lost its parent node");
      const name = builder.suffixedOr(options?.name, `-cogroup-agg-${index}`, NodePrefix.COGROUP_AGGREGATE);
      const supplier = StreamAggregateSupplier.aggregate<K, unknown, VOut>(store, initializer, aggregator);
      builder.addProcessor({
        name,
        operation: "cogroup",
        supplier: supplier.supplier as AnySupplier,
        parents: [parent.name],
      });
      if (index === 0) {
        builder.addStore({
          name: store,
          timestamped: true,
          keySerde: anySerde(keySerde),
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
    const merge = new CogroupMergeSupplier<K, VOut>(aggregates, store);
    builder.addProcessor({
      name: mergeName,
      operation: "cogroup-merge",
      supplier: merge.supplier as AnySupplier,
      parents: aggregateNames,
    });
    return new KTable<K, VOut>({
      builder,
      name: mergeName,
      keySerde,
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
            dropNullKeys: true,
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
