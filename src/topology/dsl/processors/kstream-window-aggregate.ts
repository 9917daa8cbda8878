// windowedBy(TimeWindows).count / reduce / aggregate: Kafka Streams' KStreamWindowAggregate.
// Each record is folded into every window it falls in (one for tumbling windows, size /
// advance for hopping ones) that has not closed yet: a window closes when the
// processor's stream time passes its end + grace; a record for a closed window is late,
// dropped and counted. Each update goes downstream keyed by { key, window }, stamped
// with the latest record time folded into the window.
import type { Windowed } from "../../../serdes/windowed.js";
import type { ValueAndTimestamp } from "../../../stores/value-and-timestamp.js";
import type { WindowStore } from "../../../stores/window-store.js";
import type { ProcessorContext, ProcessorSupplier } from "../../processor.js";
import type { StreamRecord } from "../../record.js";
import type { TimeWindows } from "../time-windows.js";
import type { Change } from "./change.js";
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

export class WindowAggregateSupplier<K, V, VA> implements TableProcessorSupplier<Windowed<K>, VA> {
  readonly storeName: string;
  readonly windows: TimeWindows;
  readonly #initializer: () => VA;
  readonly #aggregator: (key: K, value: V, aggregate: VA) => VA;
  #sendOldValues = false;

  constructor(
    storeName: string,
    windows: TimeWindows,
    initializer: () => VA,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
  ) {
    this.storeName = storeName;
    this.windows = windows;
    this.#initializer = initializer;
    this.#aggregator = aggregator;
  }

  enableSendingOldValues(): boolean {
    this.#sendOldValues = true;
    return true;
  }

  view(): ValueGetterSupplier<Windowed<K>, VA> {
    return windowAggregateView<K, VA>(this.storeName);
  }

  readonly supplier: ProcessorSupplier<K, V, Windowed<K>, Change<VA>> = () => {
    const { storeName, windows } = this;
    const initializer = this.#initializer;
    const aggregator = this.#aggregator;
    const sendOldValues = this.#sendOldValues;
    return new (class extends ForwardingProcessor<K, V, Windowed<K>, Change<VA>> {
      #store!: WindowStore<K, ValueAndTimestamp<VA>>;
      #forwarder!: TimestampedTupleForwarder<Windowed<K>, VA>;
      #observedStreamTime = -1;

      override init(context: ProcessorContext<Windowed<K>, Change<VA>>): void {
        super.init(context);
        this.#store = windowStoreOf<K, VA>(context as ProcessorContext<unknown, unknown>, storeName);
        // A cached store forwards each window's latest update at the flush; otherwise the processor forwards.
        this.#forwarder = new TimestampedTupleForwarder<Windowed<K>, VA>(this.#store, context, sendOldValues);
      }

      async process(record: StreamRecord<K, V>): Promise<void> {
        if (record.key === null) {
          this.context.recordDropped("a windowed aggregation skips records with a null key");
          return;
        }
        const key = record.key;
        const timestamp = record.timestamp;
        this.#observedStreamTime = Math.max(this.#observedStreamTime, timestamp);
        const closeTime = this.#observedStreamTime - windows.gracePeriodMs();
        for (const [windowStart, window] of windows.windowsFor(timestamp)) {
          if (window.end <= closeTime) {
            this.context.recordDropped(
              `record for expired window: timestamp=[${timestamp}] window=[${windowStart},${window.end}) expiration=[${closeTime}] streamTime=[${this.#observedStreamTime}]`,
            );
            continue;
          }
          const old = await this.#store.fetch(key, windowStart);
          const oldAggregate = old === undefined || old === null ? initializer() : old.value;
          // The window is as recent as the latest record folded into it.
          const newTimestamp = old === undefined || old === null ? timestamp : Math.max(timestamp, old.timestamp);
          const newAggregate = aggregator(key, record.value as V, oldAggregate);
          await this.#store.put(key, { value: newAggregate, timestamp: newTimestamp }, windowStart);
          await this.#forwarder.maybeForward({
            ...record,
            key: { key, window },
            value: { newValue: newAggregate, oldValue: sendOldValues ? oldAggregate : null },
            timestamp: newTimestamp,
          });
        }
      }
    })();
  };
}
