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
import type { StreamState } from "./dsl-state.js";
import type { KTable } from "./ktable.js";
import { NodePrefix } from "../node-names.js";
import { InvalidOperationError } from "../errors.js";
import type { Aggregator } from "./processors/kstream-aggregate.js";
import { WindowAggregateSupplier } from "./processors/kstream-window-aggregate.js";
import { SlidingWindowAggregateSupplier } from "./processors/kstream-sliding-window-aggregate.js";
import { SlidingWindows } from "./sliding-windows.js";
import type { TimeWindows } from "./time-windows.js";
import { WindowedKStreamBase } from "./windowed-kstream-base.js";
import type {
  Upstream,
  WindowedAggregateOptions,
  WindowedMaterialization,
  WindowedSupplier,
} from "./windowed-kstream-base.js";
import type { Windowed } from "../../serdes/windowed.js";
import { timeWindowedSerde } from "../../serdes/windowed.js";
import { checkAggregation } from "./grouped-arguments.js";

export type { RetentionOptions, WindowedAggregateOptions, WindowedCountOptions } from "./windowed-kstream-base.js";

type WindowsSpec = TimeWindows | SlidingWindows;

export class TimeWindowedKStream<K, V> extends WindowedKStreamBase<K, V> {
  readonly #windows: WindowsSpec;

  /** @internal Windowed streams come from KGroupedStream.windowedBy(). */
  constructor(state: StreamState<K, V>, windows: WindowsSpec, upstream: Upstream) {
    if (windows instanceof SlidingWindows && windows.timeDifferenceMs() === 0) {
      // Kafka Streams accepts it here and fails on the first record (a window must not end where it starts).
      throw new InvalidOperationError(
        "Sliding windows need a time difference > 0: a window [t, t] ends where it starts. Use SlidingWindows.ofTimeDifferenceWithNoGrace(ms) with ms >= 1",
      );
    }
    super(state, upstream);
    this.#windows = windows;
  }

  /** Folds the values of each key and window into an aggregate that starts as initializer(). */
  aggregate<VA>(
    initializer: () => VA,
    aggregator: Aggregator<K, V, VA>,
    options?: WindowedAggregateOptions<VA>,
  ): KTable<Windowed<K>, VA> {
    checkAggregation(
      "aggregate",
      [
        [initializer, "initializer"],
        [aggregator, "aggregator"],
      ],
      options,
    );
    const { store, name } = aggregateNames(this.state.builder, NodePrefix.STREAM_AGGREGATE, options, "aggregate");
    const supplier = this.supplierOf<VA>(store, initializer, aggregator);
    return this.wire(name, "aggregate", store, supplier, options?.value, options, "aggregate()");
  }

  protected override cachesOnWindowClose(): boolean {
    return !(this.#windows instanceof SlidingWindows);
  }

  protected override countNaming(): "count" | "aggregate" {
    // Kafka Streams' sliding count spends no extra store name under a materialization, unlike the others.
    return this.#windows instanceof SlidingWindows ? "aggregate" : "count";
  }

  protected supplierOf<VA>(
    store: string,
    initializer: () => VA,
    aggregator: Aggregator<K, V, VA>,
  ): WindowedSupplier<K, V, VA> {
    const windows = this.#windows;
    const strategy = this.emitStrategyInUse;
    return windows instanceof SlidingWindows
      ? new SlidingWindowAggregateSupplier<K, V, VA>(store, windows, initializer, aggregator, strategy)
      : new WindowAggregateSupplier<K, V, VA>(store, windows, initializer, aggregator, strategy);
  }

  protected materialization(store: string, retention: number | undefined): WindowedMaterialization {
    const windows = this.#windows;
    const grace = windows.gracePeriodMs();
    // A sliding window spans its time difference.
    const size = windows instanceof SlidingWindows ? windows.timeDifferenceMs() : windows.size();
    return {
      type: "window",
      timestamped: true,
      windowSizeMs: size,
      retentionMs: this.#retentionOf(store, retention),
      closeAfterEndMs: grace,
      resultKeySerde: (keySerde) => timeWindowedSerde(keySerde, size),
    };
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
