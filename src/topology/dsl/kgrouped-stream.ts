// KGroupedStream: a stream grouped by key, ready to aggregate (Kafka Streams'
// KGroupedStreamImpl and GroupedStreamAggregateBuilder). If the key changed upstream,
// the first aggregation adds the repartition topic `<name or store>-repartition`; a
// grouping named by the user shares it between its aggregations.
import { aggregateNames } from "./aggregate-names.js";
import type { AggregateOptions, MaterializedOptions, Named } from "./dsl-options.js";
import { anySerde } from "./dsl-state.js";
import type { StreamState } from "./dsl-state.js";
import { KTable } from "./ktable.js";
import { NodePrefix } from "../node-names.js";
import type { ProcessorSupplier } from "../processor.js";
import type { Aggregator, Reducer } from "./processors/kstream-aggregate.js";
import { CogroupedKStream } from "./cogrouped-kstream.js";
import { StreamAggregateSupplier } from "./processors/kstream-aggregate.js";
import { addRepartition, repartitionNames } from "./repartition.js";
import type { Serde } from "../../serdes/serde.js";
import { Serdes } from "../../serdes/serdes.js";
import type { TimeWindows } from "./time-windows.js";
import type { SlidingWindows } from "./sliding-windows.js";
import { TimeWindowedKStream } from "./time-windowed-kstream.js";
import { SessionWindows } from "./session-windows.js";
import { SessionWindowedKStream } from "./session-windowed-kstream.js";
import { checkAggregation, checkWindows } from "./grouped-arguments.js";
import { requireFunction } from "./dsl-arguments.js";

export interface GroupedStreamState<K, V> extends StreamState<K, V> {
  /** The name given to groupBy()/groupByKey(): names the repartition topic and shares it. */
  readonly groupedName: string | undefined;
}

export interface CountOptions extends Named, MaterializedOptions {}

export class KGroupedStream<K, V> {
  readonly #state: GroupedStreamState<K, V>;
  #sharedRepartitionSource: string | undefined;

  /** @internal Grouped streams come from KStream.groupBy() and groupByKey(). */
  constructor(state: GroupedStreamState<K, V>) {
    this.#state = state;
  }

  /** @internal The grouping's state, for CogroupedKStream. */
  static stateOf<K, V>(grouped: KGroupedStream<K, V>): GroupedStreamState<K, V> {
    return grouped.#state;
  }

  /**
   * Starts a cogroup: one aggregate fed by this grouped stream and others added with
   * cogroup(otherGrouped, aggregator), each folded in by its own aggregator (Kafka
   * Streams' KGroupedStream.cogroup()).
   */
  cogroup<VOut>(aggregator: Aggregator<K, V, VOut>): CogroupedKStream<K, VOut> {
    requireFunction(aggregator, "aggregator", "cogroup");
    return new CogroupedKStream<K, VOut>(
      this as KGroupedStream<K, unknown>,
      aggregator as Aggregator<K, unknown, VOut>,
    );
  }

  /** Counts records per key (records with a null key or value are skipped, as in Kafka Streams). */
  count(options?: CountOptions): KTable<K, number> {
    checkAggregation("count", [], options);
    const { store, name } = aggregateNames(this.#state.builder, NodePrefix.STREAM_AGGREGATE, options, "count");
    const supplier = StreamAggregateSupplier.aggregate<K, V, number>(
      store,
      () => 0,
      (_key, _value, count) => count + 1,
    );
    return this.#aggregate<number>(name, "count", store, supplier, Serdes.long(), options, "count()");
  }

  /** Combines the values of a key: the first value starts the aggregate. */
  reduce(reducer: Reducer<V>, options?: AggregateOptions<V>): KTable<K, V> {
    checkAggregation("reduce", [[reducer, "reducer"]], options);
    const { store, name } = aggregateNames(this.#state.builder, NodePrefix.STREAM_REDUCE, options, "reduce");
    const supplier = StreamAggregateSupplier.reduce<K, V>(store, reducer);
    return this.#aggregate(
      name,
      "reduce",
      store,
      supplier,
      options?.value ?? this.#state.valueSerde,
      options,
      "reduce()",
    );
  }

  /** Folds the values of a key into an aggregate that starts as initializer(). */
  aggregate<VA>(
    initializer: () => VA,
    aggregator: Aggregator<K, V, VA>,
    options?: AggregateOptions<VA>,
  ): KTable<K, VA> {
    checkAggregation(
      "aggregate",
      [
        [initializer, "initializer"],
        [aggregator, "aggregator"],
      ],
      options,
    );
    const { store, name } = aggregateNames(this.#state.builder, NodePrefix.STREAM_AGGREGATE, options, "aggregate");
    const supplier = StreamAggregateSupplier.aggregate<K, V, VA>(store, initializer, aggregator);
    return this.#aggregate(name, "aggregate", store, supplier, options?.value, options, "aggregate()");
  }

  /**
   * Windowed aggregations (Kafka Streams' windowedBy): count, reduce or aggregate per key
   * and window; the result is a table keyed by `{ key, window: { start, end } }`.
   */
  windowedBy(windows: TimeWindows | SlidingWindows): TimeWindowedKStream<K, V>;
  windowedBy(windows: SessionWindows): SessionWindowedKStream<K, V>;
  windowedBy(
    windows: TimeWindows | SlidingWindows | SessionWindows,
  ): TimeWindowedKStream<K, V> | SessionWindowedKStream<K, V> {
    checkWindows(windows);
    const upstream = (store: string) => this.#upstreamOf(store);
    return windows instanceof SessionWindows
      ? new SessionWindowedKStream<K, V>(this.#state, windows, upstream)
      : new TimeWindowedKStream<K, V>(this.#state, windows, upstream);
  }

  /** The node an aggregation hangs off: the grouped stream, or the repartition topic it goes through first. */
  #upstreamOf(store: string): { parent: string; sourceNodes: ReadonlySet<string> } {
    const state = this.#state;
    if (!state.repartitionRequired) return { parent: state.name, sourceNodes: state.sourceNodes };
    const names = repartitionNames(state.builder, state.groupedName ?? store);
    let source = this.#sharedRepartitionSource;
    if (source === undefined || state.groupedName === undefined) {
      source = addRepartition(state.builder, names, {
        parent: state.name,
        keySerde: state.keySerde,
        valueSerde: state.valueSerde,
        serdeOrigin: "groupBy()",
      });
      this.#sharedRepartitionSource = source;
    }
    return { parent: source, sourceNodes: new Set([source]) };
  }

  #aggregate<VA>(
    name: string,
    operation: string,
    store: string,
    supplier: StreamAggregateSupplier<K, V, VA>,
    valueSerde: Serde<VA> | undefined,
    options: MaterializedOptions | undefined,
    call: string,
  ): KTable<K, VA> {
    const state = this.#state;
    const builder = state.builder;
    const { parent, sourceNodes } = this.#upstreamOf(store);
    builder.addProcessor({
      name,
      operation,
      supplier: supplier.supplier as ProcessorSupplier<unknown, unknown, unknown, unknown>,
      parents: [parent],
    });
    builder.addStore({
      name: store,
      timestamped: true,
      caching: options?.caching ?? true,
      keySerde: anySerde(state.keySerde),
      valueSerde: anySerde(valueSerde),
      ...(options?.persistent !== undefined ? { persistent: options.persistent } : {}),
      ...(options?.logging !== undefined ? { logging: options.logging } : {}),
      serdeHint: {
        key: "pass { key: <serde> } to groupBy() or groupByKey()",
        value: `pass { value: <serde> } to ${call}`,
      },
    });
    builder.connectStores(name, [store]);
    return new KTable<K, VA>({
      builder,
      name,
      keySerde: state.keySerde,
      valueSerde,
      sourceNodes,
      supplier,
      queryableStoreName: options?.store,
    });
  }
}

/** @internal What CogroupedKStream reads of a grouped stream. */
export function groupedStateOf<K, V>(grouped: KGroupedStream<K, V>): GroupedStreamState<K, V> {
  return KGroupedStream.stateOf(grouped);
}
