// A grouped stream cut into sessions (Kafka Streams' SessionWindowedKStreamImpl): count,
// reduce and aggregate (with a merger for sessions a record joins) per key and session
// into a session store; the result a KTable keyed by { key, window: { start, end } }
// (the session's first and last record times) whose key serde is
// Serdes.sessionWindowed(the grouping's key serde). The store keeps a session for
// gap + grace after it ends unless `retention` says longer (never shorter).
import { aggregateNames } from "./aggregate-names.js";
import type { AggregateOptions, MaterializedOptions, Named } from "./dsl-options.js";
import { anySerde } from "./dsl-state.js";
import type { StreamState } from "./dsl-state.js";
import { KTable } from "./ktable.js";
import { NodePrefix } from "../node-names.js";
import { InvalidOperationError } from "../errors.js";
import type { ProcessorSupplier } from "../processor.js";
import type { Aggregator, Reducer } from "./processors/kstream-aggregate.js";
import { SessionWindowAggregateSupplier } from "./processors/kstream-session-window-aggregate.js";
import type { Merger } from "./processors/kstream-session-window-aggregate.js";
import type { SessionWindows } from "./session-windows.js";
import type { RetentionOptions } from "./time-windowed-kstream.js";
import type { Serde } from "../../serdes/serde.js";
import { Serdes } from "../../serdes/serdes.js";
import type { Windowed } from "../../serdes/windowed.js";
import { sessionWindowedSerde } from "../../serdes/windowed.js";
import { registerWindowGrace } from "./window-grace.js";

export interface SessionCountOptions extends Named, MaterializedOptions, RetentionOptions {}

export interface SessionAggregateOptions<VA> extends AggregateOptions<VA>, RetentionOptions {}

type Upstream = (store: string) => { parent: string; sourceNodes: ReadonlySet<string> };

export class SessionWindowedKStream<K, V> {
  readonly #state: StreamState<K, V>;
  readonly #windows: SessionWindows;
  readonly #upstream: Upstream;

  /** @internal Session-windowed streams come from KGroupedStream.windowedBy(). */
  constructor(state: StreamState<K, V>, windows: SessionWindows, upstream: Upstream) {
    this.#state = state;
    this.#windows = windows;
    this.#upstream = upstream;
  }

  /** Counts the records of each key and session. */
  count(options?: SessionCountOptions): KTable<Windowed<K>, number> {
    const { store, name } = aggregateNames(this.#state.builder, NodePrefix.STREAM_AGGREGATE, options, "count");
    const supplier = new SessionWindowAggregateSupplier<K, V, number>(
      store,
      this.#windows,
      () => 0,
      (_key, _value, count) => count + 1,
      (_key, one, two) => one + two,
    );
    return this.#aggregate(name, "count", store, supplier, Serdes.long() as Serde<number>, options, "count()");
  }

  /** Combines the values of each key and session; merged sessions are combined with the same reducer. */
  reduce(reducer: Reducer<V>, options?: SessionAggregateOptions<V>): KTable<Windowed<K>, V> {
    const { store, name } = aggregateNames(this.#state.builder, NodePrefix.STREAM_REDUCE, options, "reduce");
    const reduce = (_key: K, value: V, aggregate: V): V => (aggregate === null ? value : reducer(aggregate, value));
    const supplier = new SessionWindowAggregateSupplier<K, V, V>(
      store,
      this.#windows,
      () => null as V,
      reduce,
      // Kafka Streams' mergerForAggregator: the later session's aggregate folded into the earlier.
      (key, one, two) => reduce(key, two, one),
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

  /** Folds each key's values per session; `merger` combines two sessions a record joins. */
  aggregate<VA>(
    initializer: () => VA,
    aggregator: Aggregator<K, V, VA>,
    merger: Merger<K, VA>,
    options?: SessionAggregateOptions<VA>,
  ): KTable<Windowed<K>, VA> {
    const { store, name } = aggregateNames(this.#state.builder, NodePrefix.STREAM_AGGREGATE, options, "aggregate");
    const supplier = new SessionWindowAggregateSupplier<K, V, VA>(
      store,
      this.#windows,
      initializer,
      aggregator,
      merger,
    );
    return this.#aggregate(name, "aggregate", store, supplier, options?.value, options, "aggregate()");
  }

  #aggregate<VA>(
    name: string,
    operation: string,
    store: string,
    supplier: SessionWindowAggregateSupplier<K, V, VA>,
    valueSerde: Serde<VA> | undefined,
    options: (MaterializedOptions & RetentionOptions) | undefined,
    call: string,
  ): KTable<Windowed<K>, VA> {
    const state = this.#state;
    const builder = state.builder;
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
      type: "session",
      // Kafka Streams' session stores keep plain aggregates: a session's time is its end.
      timestamped: false,
      caching: false,
      windowed: { windowSizeMs: 0, retentionMs, retainDuplicates: false },
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
    registerWindowGrace(builder, name, this.#windows.inactivityGap() + this.#windows.gracePeriodMs());
    return new KTable<Windowed<K>, VA>({
      builder,
      name,
      keySerde: state.keySerde === undefined ? undefined : sessionWindowedSerde(state.keySerde),
      valueSerde,
      sourceNodes,
      supplier,
      queryableStoreName: options?.store,
    });
  }

  #retentionOf(store: string, retention: number | undefined): number {
    const gap = this.#windows.inactivityGap();
    const grace = this.#windows.gracePeriodMs();
    const retentionMs = retention ?? gap + grace;
    if (!Number.isSafeInteger(retentionMs) || gap + grace > retentionMs) {
      throw new InvalidOperationError(
        `The retention period of the session store ${store} must be no smaller than the session inactivity gap plus the grace period. Got gap=[${gap}], grace=[${grace}], retention=[${String(retentionMs)}]`,
      );
    }
    return retentionMs;
  }
}
