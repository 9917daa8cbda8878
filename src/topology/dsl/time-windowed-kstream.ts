// A grouped stream cut into time windows (Kafka Streams' TimeWindowedKStreamImpl):
// count, reduce and aggregate per key and window into a window store, the result a
// KTable keyed by { key, window: { start, end } } whose key serde is
// Serdes.timeWindowed(the grouping's key serde, size), as Kafka Streams' FullTimeWindowedSerde.
// Names, stores and the store's retention are Kafka Streams': the store keeps a window for
// size + grace unless `retention` says longer (never shorter).
// Sliding windows (Kafka Streams' SlidingWindowedKStreamImpl) make the same kind of table,
// windows [start, start + difference], with a store that keeps 2 * difference + grace
// (a record may need a window that old to make its neighbours').
import { aggregateNames } from "./aggregate-names.js";
import type { AggregateOptions, MaterializedOptions, Named } from "./dsl-options.js";
import { anySerde } from "./dsl-state.js";
import type { StreamState } from "./dsl-state.js";
import { KTable } from "./ktable.js";
import { NodePrefix } from "../node-names.js";
import { InvalidOperationError } from "../errors.js";
import type { ProcessorSupplier } from "../processor.js";
import type { Aggregator, Reducer } from "./processors/kstream-aggregate.js";
import { WindowAggregateSupplier } from "./processors/kstream-window-aggregate.js";
import { SlidingWindowAggregateSupplier } from "./processors/kstream-sliding-window-aggregate.js";
import { SlidingWindows } from "./sliding-windows.js";
import { registerWindowGrace } from "./window-grace.js";
import type { TimeWindows } from "./time-windows.js";
import type { Serde } from "../../serdes/serde.js";
import { Serdes } from "../../serdes/serdes.js";
import type { Windowed } from "../../serdes/windowed.js";
import { timeWindowedSerde } from "../../serdes/windowed.js";

/** How long the window store keeps a window, in milliseconds of stream time (Materialized.withRetention). */
export interface RetentionOptions {
  retention?: number;
}

export interface WindowedCountOptions extends Named, MaterializedOptions, RetentionOptions {}

export interface WindowedAggregateOptions<VA> extends AggregateOptions<VA>, RetentionOptions {}

type WindowsSpec = TimeWindows | SlidingWindows;
type AggregateSupplier<K, V, VA> = WindowAggregateSupplier<K, V, VA> | SlidingWindowAggregateSupplier<K, V, VA>;

type Upstream = (store: string) => { parent: string; sourceNodes: ReadonlySet<string> };

export class TimeWindowedKStream<K, V> {
  readonly #state: StreamState<K, V>;
  readonly #windows: WindowsSpec;
  readonly #upstream: Upstream;

  /** @internal Windowed streams come from KGroupedStream.windowedBy(). */
  constructor(state: StreamState<K, V>, windows: WindowsSpec, upstream: Upstream) {
    if (windows instanceof SlidingWindows && windows.timeDifferenceMs() === 0) {
      // Kafka Streams accepts it here and fails on the first record (a window must not end where it starts).
      throw new InvalidOperationError(
        "Sliding windows need a time difference > 0: a window [t, t] ends where it starts. Use SlidingWindows.ofTimeDifferenceWithNoGrace(ms) with ms >= 1",
      );
    }
    this.#state = state;
    this.#windows = windows;
    this.#upstream = upstream;
  }

  /** Counts the records of each key and window (records with a null key are dropped). */
  count(options?: WindowedCountOptions): KTable<Windowed<K>, number> {
    // Kafka Streams' sliding count spends no extra store name under a materialization, unlike the others.
    const operation = this.#windows instanceof SlidingWindows ? "aggregate" : "count";
    const { store, name } = aggregateNames(this.#state.builder, NodePrefix.STREAM_AGGREGATE, options, operation);
    const supplier = this.#supplier<number>(
      store,
      () => 0,
      (_key, _value, count) => count + 1,
    );
    return this.#aggregate(name, "count", store, supplier, Serdes.long() as Serde<number>, options, "count()");
  }

  /** Combines the values of each key and window: the first value starts the window's aggregate. */
  reduce(reducer: Reducer<V>, options?: WindowedAggregateOptions<V>): KTable<Windowed<K>, V> {
    const { store, name } = aggregateNames(this.#state.builder, NodePrefix.STREAM_REDUCE, options, "reduce");
    const supplier = this.#supplier<V>(
      store,
      () => null as V,
      (_key, value, aggregate) => (aggregate === null ? value : reducer(aggregate, value)),
    );
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

  /** Folds the values of each key and window into an aggregate that starts as initializer(). */
  aggregate<VA>(
    initializer: () => VA,
    aggregator: Aggregator<K, V, VA>,
    options?: WindowedAggregateOptions<VA>,
  ): KTable<Windowed<K>, VA> {
    const { store, name } = aggregateNames(this.#state.builder, NodePrefix.STREAM_AGGREGATE, options, "aggregate");
    const supplier = this.#supplier<VA>(store, initializer, aggregator);
    return this.#aggregate(name, "aggregate", store, supplier, options?.value, options, "aggregate()");
  }

  #supplier<VA>(store: string, initializer: () => VA, aggregator: Aggregator<K, V, VA>): AggregateSupplier<K, V, VA> {
    const windows = this.#windows;
    return windows instanceof SlidingWindows
      ? new SlidingWindowAggregateSupplier<K, V, VA>(store, windows, initializer, aggregator)
      : new WindowAggregateSupplier<K, V, VA>(store, windows, initializer, aggregator);
  }

  /** The windows' size: a sliding window spans its time difference. */
  #size(): number {
    const windows = this.#windows;
    return windows instanceof SlidingWindows ? windows.timeDifferenceMs() : windows.size();
  }

  #aggregate<VA>(
    name: string,
    operation: string,
    store: string,
    supplier: AggregateSupplier<K, V, VA>,
    valueSerde: Serde<VA> | undefined,
    options: (MaterializedOptions & RetentionOptions) | undefined,
    call: string,
  ): KTable<Windowed<K>, VA> {
    const state = this.#state;
    const builder = state.builder;
    const size = this.#size();
    const retentionMs = this.#retentionOf(store, options?.retention);
    const { parent, sourceNodes } = this.#upstream(store);
    builder.addProcessor({
      name,
      operation,
      supplier: supplier.supplier as ProcessorSupplier<unknown, unknown, unknown, unknown>,
      parents: [parent],
    });
    builder.addStore({
      name: store,
      type: "window",
      timestamped: true,
      // Behind the record cache unless told not to (Kafka Streams' default): a window's updates fold until the commit.
      caching: options?.caching ?? true,
      windowed: { windowSizeMs: size, retentionMs, retainDuplicates: false },
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
    registerWindowGrace(builder, name, this.#windows.gracePeriodMs());
    return new KTable<Windowed<K>, VA>({
      builder,
      name,
      keySerde: state.keySerde === undefined ? undefined : timeWindowedSerde(state.keySerde, size),
      valueSerde,
      sourceNodes,
      supplier,
      queryableStoreName: options?.store,
    });
  }

  #retentionOf(store: string, retention: number | undefined): number {
    const windows = this.#windows;
    const grace = windows.gracePeriodMs();
    if (windows instanceof SlidingWindows) {
      const difference = windows.timeDifferenceMs();
      const retentionMs = retention ?? 2 * difference + grace;
      if (!Number.isSafeInteger(retentionMs) || 2 * difference + grace > retentionMs) {
        throw new InvalidOperationError(
          `The retention period of the window store ${store} must be no smaller than 2 * time difference plus the grace period. Got time difference=[${difference}], grace=[${grace}], retention=[${String(retentionMs)}]`,
        );
      }
      return retentionMs;
    }
    const size = windows.size();
    const retentionMs = retention ?? size + grace;
    if (!Number.isSafeInteger(retentionMs) || size + grace > retentionMs) {
      throw new InvalidOperationError(
        `The retention period of the window store ${store} must be no smaller than its window size plus the grace period. Got size=[${size}], grace=[${grace}], retention=[${String(retentionMs)}]`,
      );
    }
    return retentionMs;
  }
}
