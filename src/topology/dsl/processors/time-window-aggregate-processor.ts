// What Kafka Streams' time and sliding window aggregations share
// (AbstractKStreamTimeWindowAggregateProcessor): the store, stream time, late records
// dropped and counted, and how results leave. On window update (the default), every
// update goes downstream, through the record cache when the store is cached. On window
// close (KIP-825), nothing goes downstream until stream time closes windows: then every
// window closed since the last emit leaves once, with its final aggregate, oldest window
// first and, within one start, by key bytes (the order of Kafka Streams' time-ordered
// store), stamped with the window's timestamp and the headers of the record that closed it.
import type { Windowed, Window } from "../../../serdes/windowed.js";
import type { ValueAndTimestamp } from "../../../stores/value-and-timestamp.js";
import type { TypedWindowStore, WindowStore } from "../../../stores/window-store.js";
import type { ProcessorContext, ProcessorSupplier } from "../../processor.js";
import type { StreamRecord } from "../../record.js";
import type { EmitStrategy } from "../emit-strategy.js";
import { EmitStrategy as Strategies } from "../emit-strategy.js";
import type { Change } from "./change.js";
import { FinalResultThrottle } from "./final-result-throttle.js";
import { ForwardingProcessor } from "./forwarding-processor.js";
import { TimestampedTupleForwarder } from "./timestamped-tuple-forwarder.js";
import type { TableProcessorSupplier } from "./table-processor-supplier.js";
import type { ValueGetter, ValueGetterSupplier } from "./value-getter.js";

/** The windowed store a processor gets (timestamped, as every DSL window store). */
export function windowStoreOf<K, V>(
  context: ProcessorContext<unknown, unknown>,
  storeName: string,
): WindowStore<K, ValueAndTimestamp<V>> {
  return context.getStateStore(storeName) as unknown as WindowStore<K, ValueAndTimestamp<V>>;
}

/** Reads a windowed aggregate's row by key and window start (time and sliding windows alike). */
export function windowAggregateView<K, VA>(storeName: string): ValueGetterSupplier<Windowed<K>, VA> {
  return {
    storeNames: [storeName],
    get(): ValueGetter<Windowed<K>, VA> {
      let store: WindowStore<K, ValueAndTimestamp<VA>> | undefined;
      return {
        init(context) {
          store = windowStoreOf<K, VA>(context, storeName);
        },
        async get(windowed) {
          if (store === undefined) throw new Error(`The value getter of store "${storeName}" was used before init()`);
          return (await store.fetch(windowed.key, windowed.window.start)) ?? null;
        },
      };
    },
  };
}

export type WindowAggregator<K, V, VA> = (key: K, value: V, aggregate: VA) => VA;

/** The supplier half: the store, the windows, the functions, old values and the emit strategy. */
export abstract class TimeWindowAggregateSupplier<K, V, VA, W> implements TableProcessorSupplier<Windowed<K>, VA> {
  readonly storeName: string;
  readonly windows: W;
  readonly emitStrategy: EmitStrategy;
  protected readonly initializer: () => VA;
  protected readonly aggregator: WindowAggregator<K, V, VA>;
  protected sendOldValues = false;

  constructor(
    storeName: string,
    windows: W,
    initializer: () => VA,
    aggregator: WindowAggregator<K, V, VA>,
    emitStrategy: EmitStrategy = Strategies.onWindowUpdate(),
  ) {
    this.storeName = storeName;
    this.windows = windows;
    this.initializer = initializer;
    this.aggregator = aggregator;
    this.emitStrategy = emitStrategy;
  }

  enableSendingOldValues(): boolean {
    this.sendOldValues = true;
    return true;
  }

  view(): ValueGetterSupplier<Windowed<K>, VA> {
    return windowAggregateView<K, VA>(this.storeName);
  }

  abstract readonly supplier: ProcessorSupplier<K, V, Windowed<K>, Change<VA>>;
}

/** The processor half, with the emit ranges left to each kind of window. */
export abstract class TimeWindowAggregateProcessor<K, V, VA> extends ForwardingProcessor<
  K,
  V,
  Windowed<K>,
  Change<VA>
> {
  protected store!: WindowStore<K, ValueAndTimestamp<VA>>;
  protected observedStreamTime = -1;
  readonly #storeName: string;
  readonly #sendOldValues: boolean;
  readonly #emitStrategy: EmitStrategy;
  #forwarder!: TimestampedTupleForwarder<Windowed<K>, VA>;
  #finals: FinalResultThrottle | undefined;

  constructor(storeName: string, emitStrategy: EmitStrategy, sendOldValues: boolean) {
    super();
    this.#storeName = storeName;
    this.#emitStrategy = emitStrategy;
    this.#sendOldValues = sendOldValues;
  }

  override init(context: ProcessorContext<Windowed<K>, Change<VA>>): void {
    super.init(context);
    this.store = windowStoreOf<K, VA>(context as ProcessorContext<unknown, unknown>, this.#storeName);
    if (this.#emitStrategy.emitsOnWindowClose) {
      this.#finals = new FinalResultThrottle(context as ProcessorContext<unknown, unknown>, this.#storeName);
      // Final results are read from the store and forwarded here: the cache forwards nothing.
      this.#forwarder = new TimestampedTupleForwarder<Windowed<K>, VA>(undefined, context, this.#sendOldValues);
    } else {
      // A cached store forwards each window's latest update at the flush; otherwise the processor forwards.
      this.#forwarder = new TimestampedTupleForwarder<Windowed<K>, VA>(this.store, context, this.#sendOldValues);
    }
  }

  /** Stream time after `timestamp`, less the grace: windows that end at or before it (or before, sliding) are closed. */
  protected windowCloseTime(timestamp: number, gracePeriodMs: number): number {
    this.observedStreamTime = Math.max(this.observedStreamTime, timestamp);
    return this.observedStreamTime - gracePeriodMs;
  }

  /** Whether maybeForwardUpdate() forwards: not on window close, nor behind a cache (which forwards at its flush). */
  protected get forwardsUpdates(): boolean {
    return this.#finals === undefined && !this.#forwarder.cachingEnabled;
  }

  protected maybeForwardUpdate(
    record: StreamRecord<K, V>,
    window: Window,
    oldAggregate: VA | null,
    newAggregate: VA,
    timestamp: number,
  ): Promise<void> | undefined {
    // Emitting on window close, or the cache forwards at its flush: no record to build.
    if (this.#finals !== undefined || this.#forwarder.cachingEnabled) return undefined;
    return this.#forwarder.maybeForward({
      ...record,
      key: { key: record.key, window },
      value: { newValue: newAggregate, oldValue: this.#sendOldValues ? oldAggregate : null },
      timestamp,
    });
  }

  /**
   * On window close: forwards the windows closed since the last emit, at most once per
   * emit interval. Undefined (no promise) on window update.
   */
  protected maybeForwardFinalResult(record: StreamRecord<K, V>, windowCloseTime: number): Promise<void> | undefined {
    return this.#finals === undefined ? undefined : this.#forwardFinalResult(this.#finals, record, windowCloseTime);
  }

  async #forwardFinalResult(
    finals: FinalResultThrottle,
    record: StreamRecord<K, V>,
    windowCloseTime: number,
  ): Promise<void> {
    if (!finals.shouldEmit(this.context.currentSystemTimeMs(), windowCloseTime)) return;
    const upper = this.emitRangeUpperBound(windowCloseTime, finals.lastEmitWindowCloseTime);
    // Below 0, no window has ever closed.
    if (upper < 0) return;
    const lower = this.emitRangeLowerBound(windowCloseTime, finals.lastEmitWindowCloseTime);
    if (!this.shouldRangeFetch(lower, upper, finals.lastEmitWindowCloseTime)) return;
    const closed = (this.store as TypedWindowStore<K, ValueAndTimestamp<VA>>).fetchAllInTimeOrder(lower, upper);
    for await (const { key, value } of closed) {
      await this.#forwarder.maybeForward({
        key,
        value: { newValue: value.value, oldValue: null },
        timestamp: value.timestamp,
        headers: record.headers,
      });
    }
    finals.emitted(windowCloseTime);
  }

  protected dropExpired(timestamp: number, window: string, windowCloseTime: number): void {
    this.context.recordDropped(
      `record for expired window: timestamp=[${timestamp}] window=${window} expiration=[${windowCloseTime}] streamTime=[${this.observedStreamTime}]`,
    );
  }

  /** The first window start to emit (inclusive); `lastEmit` is -1 before the first emit. */
  protected abstract emitRangeLowerBound(windowCloseTime: number, lastEmit: number): number;
  /** The last window start to emit (inclusive). */
  protected abstract emitRangeUpperBound(windowCloseTime: number, lastEmit: number): number;
  protected abstract shouldRangeFetch(lower: number, upper: number, lastEmit: number): boolean;
}
