// KGroupedStream aggregate, reduce and count: Kafka Streams' KStreamAggregate and
// KStreamReduce. One store row per key; every update is forwarded downstream as a
// Change (no record cache, as Kafka Streams with the cache disabled).
import type { KeyValueStore } from "../../../stores/key-value-store.js";
import type { ProcessorContext, ProcessorSupplier } from "../../processor.js";
import type { StreamRecord } from "../../record.js";
import type { Change } from "./change.js";
import { ForwardingProcessor } from "./forwarding-processor.js";
import { putOrDelete } from "./store-writes.js";
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
      #store!: KeyValueStore<K, VA>;

      override init(context: ProcessorContext<K, Change<VA>>): void {
        super.init(context);
        this.#store = context.getStateStore<K, VA>(storeName);
      }

      async process(record: StreamRecord<K, V>): Promise<void> {
        // Kafka Streams skips records with a null key or value in aggregations.
        if (record.key === null || record.value === null) return;
        const oldAggregate = (await this.#store.get(record.key)) ?? null;
        const newAggregate = fold(record.key, record.value, oldAggregate);
        await putOrDelete(this.#store, record.key, newAggregate);
        await this.context.forward({
          ...record,
          value: { newValue: newAggregate, oldValue: sendOldValues ? oldAggregate : null },
        });
      }
    })();
  };
}
