// What a grouped stream cut into windows (time, sliding or session) shares: count and
// reduce in terms of the windows' own aggregation, the emit strategy, and the wiring of
// the aggregation into the topology (its processor, its window or session store, the
// grace suppress() measures window close time with, the windowed table it makes), with
// Kafka Streams' names.
import { aggregateNames } from "./aggregate-names.js";
import type { AggregateOptions, MaterializedOptions, Named } from "./dsl-options.js";
import { anySerde } from "./dsl-state.js";
import type { StreamState } from "./dsl-state.js";
import { EmitStrategy, emitStrategyOf } from "./emit-strategy.js";
import { KTable } from "./ktable.js";
import { NodePrefix } from "../node-names.js";
import type { ProcessorSupplier } from "../processor.js";
import type { StoreSpec } from "../builder-specs.js";
import type { Aggregator, Reducer } from "./processors/kstream-aggregate.js";
import type { Change } from "./processors/change.js";
import type { TableProcessorSupplier } from "./processors/table-processor-supplier.js";
import { registerWindowGrace } from "./window-grace.js";
import type { Serde } from "../../serdes/serde.js";
import { Serdes } from "../../serdes/serdes.js";
import type { Windowed } from "../../serdes/windowed.js";
import { checkAggregation } from "./grouped-arguments.js";

/** How long the window store keeps a window, in milliseconds of stream time (Materialized.withRetention). */
export interface RetentionOptions {
  retention?: number;
}

export interface WindowedCountOptions extends Named, MaterializedOptions, RetentionOptions {}

export interface WindowedAggregateOptions<VA> extends AggregateOptions<VA>, RetentionOptions {}

export type Upstream = (store: string) => { parent: string; sourceNodes: ReadonlySet<string> };

export type WindowedSupplier<K, V, VA> = TableProcessorSupplier<Windowed<K>, VA> & {
  readonly supplier: ProcessorSupplier<K, V, Windowed<K>, Change<VA>>;
};

/** The store a windowed aggregation keeps its windows in, and how its results are keyed. */
export interface WindowedMaterialization {
  readonly type: "window" | "session";
  readonly timestamped: boolean;
  readonly windowSizeMs: number;
  readonly retentionMs: number;
  /** How long after a window's end its close time comes: suppress(untilWindowCloses) reads it. */
  readonly closeAfterEndMs: number;
  readonly resultKeySerde: <K>(keySerde: Serde<K>) => Serde<Windowed<K>>;
}

export abstract class WindowedKStreamBase<K, V> {
  protected readonly state: StreamState<K, V>;
  readonly #upstream: Upstream;
  protected emitStrategyInUse: EmitStrategy = EmitStrategy.onWindowUpdate();

  constructor(state: StreamState<K, V>, upstream: Upstream) {
    this.state = state;
    this.#upstream = upstream;
  }

  /**
   * When results go downstream (KIP-825): EmitStrategy.onWindowUpdate() (the default),
   * every update; EmitStrategy.onWindowClose(), each window's final result once, when it
   * closes. Applies to the aggregations called after it.
   */
  emitStrategy(strategy: EmitStrategy): this {
    this.emitStrategyInUse = emitStrategyOf(strategy);
    return this;
  }

  /** Counts the records of each key and window (records with a null key are dropped). */
  count(options?: WindowedCountOptions): KTable<Windowed<K>, number> {
    checkAggregation("count", [], options);
    const { store, name } = aggregateNames(
      this.state.builder,
      NodePrefix.STREAM_AGGREGATE,
      options,
      this.countNaming(),
    );
    const supplier = this.supplierOf<number>(
      store,
      () => 0,
      (_key, _value, count) => count + 1,
      (_key, one, two) => one + two,
    );
    return this.wire(name, "count", store, supplier, Serdes.long() as Serde<number>, options, "count()");
  }

  /** Combines the values of each key and window: the first value starts the window's aggregate. */
  reduce(reducer: Reducer<V>, options?: WindowedAggregateOptions<V>): KTable<Windowed<K>, V> {
    checkAggregation("reduce", [[reducer, "reducer"]], options);
    const { store, name } = aggregateNames(this.state.builder, NodePrefix.STREAM_REDUCE, options, "reduce");
    const reduce = (_key: K, value: V, aggregate: V): V => (aggregate === null ? value : reducer(aggregate, value));
    // Kafka Streams' mergerForAggregator (sessions): the later session's aggregate folded into the earlier.
    const supplier = this.supplierOf<V>(
      store,
      () => null as V,
      reduce,
      (key, one, two) => reduce(key, two, one),
    );
    const valueSerde = options?.value ?? this.state.valueSerde;
    return this.wire(name, "reduce", store, supplier, valueSerde, options, "reduce()");
  }

  /**
   * Whether the aggregation's store may sit behind the record cache when it emits on
   * window close: Kafka Streams' session and sliding materializers disable the cache then
   * (the processor reads closed windows from the store itself); its time windows keep it.
   */
  protected cachesOnWindowClose(): boolean {
    return false;
  }

  /** How count() spends generated names (Kafka Streams' sliding count spends no extra store name). */
  protected countNaming(): "count" | "aggregate" {
    return "count";
  }

  /** The windows' aggregation; `merger` combines two sessions a record joins (ignored by time windows). */
  protected abstract supplierOf<VA>(
    store: string,
    initializer: () => VA,
    aggregator: Aggregator<K, V, VA>,
    merger: (key: K, one: VA, two: VA) => VA,
  ): WindowedSupplier<K, V, VA>;

  protected abstract materialization(store: string, retention: number | undefined): WindowedMaterialization;

  /** Adds the aggregation's processor and store; the windowed table it makes. */
  protected wire<VA>(
    name: string,
    operation: string,
    store: string,
    supplier: WindowedSupplier<K, V, VA>,
    valueSerde: Serde<VA> | undefined,
    options: (MaterializedOptions & RetentionOptions) | undefined,
    call: string,
  ): KTable<Windowed<K>, VA> {
    const state = this.state;
    const builder = state.builder;
    const materialization = this.materialization(store, options?.retention);
    const { parent, sourceNodes } = this.#upstream(store);
    builder.addProcessor({
      name,
      operation,
      supplier: supplier.supplier as ProcessorSupplier<unknown, unknown, unknown, unknown>,
      parents: [parent],
    });
    const definition: StoreSpec = {
      name: store,
      type: materialization.type,
      timestamped: materialization.timestamped,
      // Behind the record cache unless told not to (Kafka Streams' default): a window's updates fold until the
      // commit. Never a session or sliding store that emits on window close (Kafka Streams' materializers).
      caching: (options?.caching ?? true) && (!this.emitStrategyInUse.emitsOnWindowClose || this.cachesOnWindowClose()),
      windowed: {
        windowSizeMs: materialization.windowSizeMs,
        retentionMs: materialization.retentionMs,
        retainDuplicates: false,
        ...(materialization.type === "window" && this.emitStrategyInUse.emitsOnWindowClose
          ? { timeOrdered: true }
          : {}),
      },
      keySerde: anySerde(state.keySerde),
      valueSerde: anySerde(valueSerde),
      ...(options?.persistent !== undefined ? { persistent: options.persistent } : {}),
      ...(options?.logging !== undefined ? { logging: options.logging } : {}),
      serdeHint: {
        key: "pass { key: <serde> } to groupBy() or groupByKey()",
        value: `pass { value: <serde> } to ${call}`,
      },
    };
    builder.addStore(definition);
    builder.connectStores(name, [store]);
    registerWindowGrace(builder, name, materialization.closeAfterEndMs);
    return new KTable<Windowed<K>, VA>({
      builder,
      name,
      keySerde: state.keySerde === undefined ? undefined : materialization.resultKeySerde(state.keySerde),
      valueSerde,
      sourceNodes,
      supplier,
      queryableStoreName: options?.store,
    });
  }
}
