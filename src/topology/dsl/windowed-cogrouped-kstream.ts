// A cogrouped stream cut into windows (Kafka Streams' TimeWindowedCogroupedKStreamImpl,
// SessionWindowedCogroupedKStreamImpl; sliding windows as the time-windowed one): every
// cogrouped stream folds its records, with its own aggregator, into the one window or
// session store, as the windowed aggregations of a single grouped stream do, and the
// merge node is the windowed table. Names and retention are Kafka Streams'.
import type { CogroupAggregateOptions, CogroupedKStream } from "./cogrouped-kstream.js";
import { anySerde, dsl } from "./dsl-state.js";
import { registerWindowGrace } from "./window-grace.js";
import type { KTable } from "./ktable.js";
import { InvalidOperationError } from "../errors.js";
import { SessionWindowAggregateSupplier } from "./processors/kstream-session-window-aggregate.js";
import type { Merger } from "./processors/kstream-session-window-aggregate.js";
import { SlidingWindowAggregateSupplier } from "./processors/kstream-sliding-window-aggregate.js";
import { WindowAggregateSupplier } from "./processors/kstream-window-aggregate.js";
import type { SessionWindows } from "./session-windows.js";
import type { TableProcessorSupplier } from "./processors/table-processor-supplier.js";
import type { ValueGetterSupplier } from "./processors/value-getter.js";
import { SlidingWindows } from "./sliding-windows.js";
import type { TimeWindows } from "./time-windows.js";
import type { Windowed } from "../../serdes/windowed.js";
import { sessionWindowedSerde, timeWindowedSerde } from "../../serdes/windowed.js";
import { checkAggregation, sessionMerger } from "./grouped-arguments.js";

/** The retention asked for, or the least the windows need; never less than that. */
function retentionOf(store: string, least: number, retention: number | undefined, what: string): number {
  const retentionMs = retention ?? least;
  if (!Number.isSafeInteger(retentionMs) || least > retentionMs) {
    throw new InvalidOperationError(
      `The retention period of the ${what} ${store} must be no smaller than ${String(least)} ms (what its windows and grace period need), got ${String(retentionMs)}`,
    );
  }
  return retentionMs;
}

export class TimeWindowedCogroupedKStream<K, VOut> {
  readonly #cogrouped: CogroupedKStream<K, VOut>;
  readonly #windows: TimeWindows | SlidingWindows;

  /** @internal From CogroupedKStream.windowedBy(TimeWindows | SlidingWindows). */
  constructor(cogrouped: CogroupedKStream<K, VOut>, windows: TimeWindows | SlidingWindows) {
    this.#cogrouped = cogrouped;
    this.#windows = windows;
  }

  /** Folds each key's records of every cogrouped stream per window, each window starting from initializer(). */
  aggregate(initializer: () => VOut, options?: CogroupAggregateOptions<VOut>): KTable<Windowed<K>, VOut> {
    checkAggregation("aggregate", [[initializer, "initializer"]], options);
    const windows = this.#windows;
    const sliding = windows instanceof SlidingWindows;
    if (sliding && windows.timeDifferenceMs() === 0) {
      throw new InvalidOperationError(
        "Sliding windows need a time difference > 0: a window [t, t] ends where it starts",
      );
    }
    const size = sliding ? windows.timeDifferenceMs() : windows.size();
    // A sliding window's record may make windows up to 2 * difference old (Kafka Streams' retention).
    const least = (sliding ? 2 * size : size) + windows.gracePeriodMs();
    const table = this.#cogrouped.buildAggregate<Windowed<K>>(options, {
      aggregateSupplier: (store, aggregator) =>
        sliding
          ? new SlidingWindowAggregateSupplier<K, unknown, VOut>(store, windows, initializer, aggregator)
          : new WindowAggregateSupplier<K, unknown, VOut>(store, windows, initializer, aggregator),
      store: (store, keySerde) => ({
        name: store,
        type: "window",
        timestamped: true,
        caching: false,
        windowed: {
          windowSizeMs: size,
          retentionMs: retentionOf(store, least, options?.retention, "window store"),
          retainDuplicates: false,
        },
        keySerde: anySerde(keySerde),
      }),
      resultKeySerde: (keySerde) => (keySerde === undefined ? undefined : timeWindowedSerde(keySerde, size)),
      mergeView: (_store, aggregates) => firstView(aggregates),
    });
    // suppress(untilWindowCloses) after it measures window close time with these windows' grace.
    registerWindowGrace(table[dsl].builder, table.name, windows.gracePeriodMs());
    return table;
  }
}

export class SessionWindowedCogroupedKStream<K, VOut> {
  readonly #cogrouped: CogroupedKStream<K, VOut>;
  readonly #windows: SessionWindows;

  /** @internal From CogroupedKStream.windowedBy(SessionWindows). */
  constructor(cogrouped: CogroupedKStream<K, VOut>, windows: SessionWindows) {
    this.#cogrouped = cogrouped;
    this.#windows = windows;
  }

  /** Folds each key's records of every cogrouped stream per session; `merger` combines two sessions a record joins. */
  aggregate(
    initializer: () => VOut,
    merger: Merger<K, VOut>,
    options?: CogroupAggregateOptions<VOut>,
  ): KTable<Windowed<K>, VOut> {
    checkAggregation("aggregate", [[initializer, "initializer"], sessionMerger(merger)], options);
    const windows = this.#windows;
    const least = windows.inactivityGap() + windows.gracePeriodMs();
    const table = this.#cogrouped.buildAggregate<Windowed<K>>(options, {
      aggregateSupplier: (store, aggregator) =>
        new SessionWindowAggregateSupplier<K, unknown, VOut>(store, windows, initializer, aggregator, merger),
      store: (store, keySerde) => ({
        name: store,
        type: "session",
        // Kafka Streams' session stores keep plain aggregates: a session's time is its end.
        timestamped: false,
        caching: false,
        windowed: {
          windowSizeMs: 0,
          retentionMs: retentionOf(store, least, options?.retention, "session store"),
          retainDuplicates: false,
        },
        keySerde: anySerde(keySerde),
      }),
      resultKeySerde: (keySerde) => (keySerde === undefined ? undefined : sessionWindowedSerde(keySerde)),
      mergeView: (_store, aggregates) => firstView(aggregates),
    });
    registerWindowGrace(table[dsl].builder, table.name, least);
    return table;
  }
}

/** Every aggregate reads and writes the one store: the first one's view is the table's. */
function firstView<KR, V>(aggregates: readonly TableProcessorSupplier<KR, V>[]): ValueGetterSupplier<KR, V> {
  const [first] = aggregates;
  if (first === undefined) throw new InvalidOperationError("aggregate() needs at least one cogrouped stream");
  return first.view();
}
