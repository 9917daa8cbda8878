// KGroupedTable aggregate, reduce and count: Kafka Streams' KTableAggregate and
// KTableReduce. Each change arriving from the repartition topic first subtracts the
// old value (if the aggregate has one), then adds the new one, so an update moves a
// row between groups and a delete removes it.
import type { KeyValueStore } from "../../../stores/key-value-store.js";
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

export class TableAggregateSupplier<K, V, VA> implements TableProcessorSupplier<K, VA> {
  readonly storeName: string;
  readonly #add: (key: K, value: V, current: VA | null) => VA | null;
  readonly #subtract: (key: K, value: V, current: VA) => VA | null;
  #sendOldValues = false;

  constructor(
    storeName: string,
    add: (key: K, value: V, current: VA | null) => VA | null,
    subtract: (key: K, value: V, current: VA) => VA | null,
  ) {
    this.storeName = storeName;
    this.#add = add;
    this.#subtract = subtract;
  }

  static aggregate<K, V, VA>(
    storeName: string,
    initializer: () => VA,
    adder: (key: K, value: V, aggregate: VA) => VA,
    subtractor: (key: K, value: V, aggregate: VA) => VA | null,
  ): TableAggregateSupplier<K, V, VA> {
    return new TableAggregateSupplier<K, V, VA>(
      storeName,
      (key, value, current) => adder(key, value, current ?? initializer()),
      subtractor,
    );
  }

  static reduce<K, V>(
    storeName: string,
    adder: (aggregate: V, value: V) => V,
    subtractor: (aggregate: V, value: V) => V | null,
  ): TableAggregateSupplier<K, V, V> {
    return new TableAggregateSupplier<K, V, V>(
      storeName,
      (_key, value, current) => (current === null ? value : adder(current, value)),
      (_key, value, current) => subtractor(current, value),
    );
  }

  enableSendingOldValues(): boolean {
    this.#sendOldValues = true;
    return true;
  }

  view(): ValueGetterSupplier<K, VA> {
    return storeValueGetterSupplier(this.storeName);
  }

  readonly supplier: ProcessorSupplier<K, Change<V>, K, Change<VA>> = () => {
    const storeName = this.storeName;
    const add = this.#add;
    const subtract = this.#subtract;
    const sendOldValues = this.#sendOldValues;
    return new (class extends ForwardingProcessor<K, Change<V>, K, Change<VA>> {
      #store!: KeyValueStore<K, ValueAndTimestamp<VA>>;
      #forwarder!: TimestampedTupleForwarder<K, VA>;

      override init(context: ProcessorContext<K, Change<VA>>): void {
        super.init(context);
        this.#store = context.getStateStore<K, ValueAndTimestamp<VA>>(storeName);
        this.#forwarder = new TimestampedTupleForwarder(this.#store, context, sendOldValues);
      }

      async process(record: StreamRecord<K, Change<V>>): Promise<void> {
        const old = (await this.#store.get(record.key)) ?? null;
        const oldAggregate = old === null ? null : old.value;
        const { newValue, oldValue } = record.value;
        const intermediate =
          oldValue !== null && oldAggregate !== null ? subtract(record.key, oldValue, oldAggregate) : oldAggregate;
        const newAggregate = newValue !== null ? add(record.key, newValue, intermediate) : intermediate;
        // KTableAggregate / KTableReduce: a change folded into an existing aggregate
        // stamps it with the later of the two; a new aggregate takes the record's time.
        const timestamp =
          old !== null && (oldValue !== null || newValue !== null)
            ? Math.max(record.timestamp, old.timestamp)
            : record.timestamp;
        await putOrDelete(this.#store, record.key, timestamped(newAggregate, timestamp));
        await this.#forwarder.maybeForward({
          ...record,
          value: { newValue: newAggregate, oldValue: oldAggregate },
          timestamp,
        });
      }
    })();
  };
}
