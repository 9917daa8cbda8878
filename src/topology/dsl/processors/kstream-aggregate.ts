// KGroupedStream aggregate, reduce and count: Kafka Streams' KStreamAggregate and
// KStreamReduce. One store row per key; every update is forwarded downstream as a
// Change (no record cache, as Kafka Streams with the cache disabled).
import { CachingKeyValueStore, NOT_CACHED } from "../../../stores/caching-key-value-store.js";
import type { KeyValueStore } from "../../../stores/key-value-store.js";
import { FORWARDED } from "../../processor.js";
import type { ProcessorContext, ProcessorSupplier } from "../../processor.js";
import type { StreamRecord } from "../../record.js";
import type { Change } from "./change.js";
import { ForwardingProcessor } from "./forwarding-processor.js";
import { TimestampedTupleForwarder } from "./timestamped-tuple-forwarder.js";
import { putOrDelete, timestamped } from "./store-writes.js";
import type { ValueAndTimestamp } from "../../../stores/value-and-timestamp.js";
import type { TableProcessorSupplier } from "./table-processor-supplier.js";
import { storeValueGetterSupplier } from "./value-getter.js";
import type { ValueGetterSupplier } from "./value-getter.js";

export type Aggregator<K, V, VA> = (key: K, value: V, aggregate: VA) => VA;
export type Reducer<V> = (aggregate: V, value: V) => V;

/** Folds each record into the key's aggregate: `initial` starts it, `fold` extends it. */
export class StreamAggregateSupplier<K, V, VA> implements TableProcessorSupplier<K, VA> {
  readonly storeName: string;
  readonly #fold: (key: K, value: V, current: VA | null) => VA;
  #sendOldValues = false;

  constructor(storeName: string, fold: (key: K, value: V, current: VA | null) => VA) {
    this.storeName = storeName;
    this.#fold = fold;
  }

  static aggregate<K, V, VA>(
    storeName: string,
    initializer: () => VA,
    aggregator: Aggregator<K, V, VA>,
  ): StreamAggregateSupplier<K, V, VA> {
    return new StreamAggregateSupplier(storeName, (key, value, current) =>
      aggregator(key, value, current ?? initializer()),
    );
  }

  static reduce<K, V>(storeName: string, reducer: Reducer<V>): StreamAggregateSupplier<K, V, V> {
    return new StreamAggregateSupplier<K, V, V>(storeName, (_key, value, current) =>
      current === null ? value : reducer(current, value),
    );
  }

  enableSendingOldValues(): boolean {
    this.#sendOldValues = true;
    return true;
  }

  view(): ValueGetterSupplier<K, VA> {
    return storeValueGetterSupplier(this.storeName);
  }

  readonly supplier: ProcessorSupplier<K, V, K, Change<VA>> = () => {
    const storeName = this.storeName;
    const fold = this.#fold;
    const sendOldValues = this.#sendOldValues;
    return new (class extends ForwardingProcessor<K, V, K, Change<VA>> {
      #store!: KeyValueStore<K, ValueAndTimestamp<VA>>;
      #forwarder!: TimestampedTupleForwarder<K, VA>;

      override init(context: ProcessorContext<K, Change<VA>>): void {
        super.init(context);
        this.#store = context.getStateStore<K, ValueAndTimestamp<VA>>(storeName);
        this.#forwarder = new TimestampedTupleForwarder(this.#store, context, sendOldValues);
      }

      // The common record (its key's aggregate in the read cache, a store over the task's
      // overlay, sinks that buffer) is folded without a single promise; each step hands
      // over to a continuation only when it must wait.
      process(record: StreamRecord<K, V>): void | Promise<void> {
        // Kafka Streams skips records with a null key or value in aggregations.
        if (record.key === null || record.value === null) {
          this.context.recordDropped("an aggregation skips records with a null key or value");
          return;
        }
        const store = this.#store;
        if (store instanceof CachingKeyValueStore) {
          // Shared: #fold only reads it (and an aggregate it may hand out is a primitive, see below).
          const cached = (store as CachingKeyValueStore<K, ValueAndTimestamp<VA>>).peekShared(record.key);
          if (cached !== NOT_CACHED) return this.#fold(record, cached ?? null);
        }
        return Promise.resolve(store.get(record.key)).then((old) => this.#fold(record, old ?? null));
      }

      #fold(record: StreamRecord<K, V>, old: ValueAndTimestamp<VA> | null): void | Promise<void> {
        const oldAggregate = old === null ? null : old.value;
        const newAggregate = fold(record.key, record.value, oldAggregate);
        // The aggregate is as recent as the latest record folded into it.
        const timestamp = old === null ? record.timestamp : Math.max(record.timestamp, old.timestamp);
        const store = this.#store;
        const stored = timestamped(newAggregate, timestamp);
        const written =
          stored !== null &&
          store instanceof CachingKeyValueStore &&
          (store as CachingKeyValueStore<K, ValueAndTimestamp<VA>>).putNow(
            record.key,
            stored,
            // A number, string or boolean aggregate (a count) can be shared: the next record's
            // aggregator gets it without a deserialization, and cannot change it in place (an
            // object could be). Not a bigint: Serdes.long() reads a small one back as a number,
            // and the next aggregator must see what Kafka Streams' would, the value read back.
            sharesAsWritten(newAggregate),
          );
        if (!written)
          return putOrDelete(store, record.key, stored).then(() =>
            this.#forward(record, newAggregate, oldAggregate, timestamp),
          );
        const forwarded = this.#forward(record, newAggregate, oldAggregate, timestamp);
        return forwarded === FORWARDED ? undefined : forwarded;
      }

      /** The update downstream, unless the cache forwards it at its flush (then no record is made for it). */
      #forward(record: StreamRecord<K, V>, newValue: VA, oldValue: VA | null, timestamp: number): Promise<void> {
        const forwarder = this.#forwarder;
        if (forwarder.cachingEnabled) return FORWARDED;
        return forwarder.maybeForward({ ...record, value: { newValue, oldValue }, timestamp });
      }
    })();
  };
}

/** Whether the serdes' round trip of `aggregate` gives it back unchanged, for the built-in serdes. */
function sharesAsWritten(aggregate: unknown): boolean {
  const type = typeof aggregate;
  return type === "number" || type === "string" || type === "boolean";
}
