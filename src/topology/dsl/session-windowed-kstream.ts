// A grouped stream cut into sessions (Kafka Streams' SessionWindowedKStreamImpl): count,
// reduce and aggregate (with a merger for sessions a record joins) per key and session
// into a session store; the result a KTable keyed by { key, window: { start, end } }
// (the session's first and last record times) whose key serde is
// Serdes.sessionWindowed(the grouping's key serde). The store keeps a session for
// gap + grace after it ends unless `retention` says longer (never shorter).
import { aggregateNames } from "./aggregate-names.js";
import type { StreamState } from "./dsl-state.js";
import type { KTable } from "./ktable.js";
import { NodePrefix } from "../node-names.js";
import { InvalidOperationError } from "../errors.js";
import type { Aggregator } from "./processors/kstream-aggregate.js";
import { SessionWindowAggregateSupplier } from "./processors/kstream-session-window-aggregate.js";
import type { Merger } from "./processors/kstream-session-window-aggregate.js";
import type { SessionWindows } from "./session-windows.js";
import { WindowedKStreamBase } from "./windowed-kstream-base.js";
import type { RetentionOptions, Upstream, WindowedMaterialization, WindowedSupplier } from "./windowed-kstream-base.js";
import type { AggregateOptions, MaterializedOptions, Named } from "./dsl-options.js";
import type { Windowed } from "../../serdes/windowed.js";
import { sessionWindowedSerde } from "../../serdes/windowed.js";
import { checkAggregation, sessionMerger } from "./grouped-arguments.js";

export interface SessionCountOptions extends Named, MaterializedOptions, RetentionOptions {}

export interface SessionAggregateOptions<VA> extends AggregateOptions<VA>, RetentionOptions {}

export class SessionWindowedKStream<K, V> extends WindowedKStreamBase<K, V> {
  readonly #windows: SessionWindows;

  /** @internal Session-windowed streams come from KGroupedStream.windowedBy(). */
  constructor(state: StreamState<K, V>, windows: SessionWindows, upstream: Upstream) {
    super(state, upstream);
    this.#windows = windows;
  }

  /** Folds each key's values per session; `merger` combines two sessions a record joins. */
  aggregate<VA>(
    initializer: () => VA,
    aggregator: Aggregator<K, V, VA>,
    merger: Merger<K, VA>,
    options?: SessionAggregateOptions<VA>,
  ): KTable<Windowed<K>, VA> {
    checkAggregation(
      "aggregate",
      [[initializer, "initializer"], [aggregator, "aggregator"], sessionMerger(merger)],
      options,
    );
    const { store, name } = aggregateNames(this.state.builder, NodePrefix.STREAM_AGGREGATE, options, "aggregate");
    const supplier = this.supplierOf<VA>(store, initializer, aggregator, merger);
    return this.wire(name, "aggregate", store, supplier, options?.value, options, "aggregate()");
  }

  protected supplierOf<VA>(
    store: string,
    initializer: () => VA,
    aggregator: Aggregator<K, V, VA>,
    merger: Merger<K, VA>,
  ): WindowedSupplier<K, V, VA> {
    return new SessionWindowAggregateSupplier<K, V, VA>(
      store,
      this.#windows,
      initializer,
      aggregator,
      merger,
      this.emitStrategyInUse,
    );
  }

  protected materialization(store: string, retention: number | undefined): WindowedMaterialization {
    const windows = this.#windows;
    return {
      type: "session",
      // Kafka Streams' session stores keep plain aggregates: a session's time is its end.
      timestamped: false,
      windowSizeMs: 0,
      retentionMs: this.#retentionOf(store, retention),
      closeAfterEndMs: windows.inactivityGap() + windows.gracePeriodMs(),
      resultKeySerde: (keySerde) => sessionWindowedSerde(keySerde),
    };
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
