// builder.table(): Kafka Streams' KTableSource. The table is materialized in its store
// when the user named the store or when something downstream needs to read it (a join,
// a groupBy); otherwise records pass through as Change(new, null) without a store.
import type { KeyValueStore } from "../../../stores/key-value-store.js";
import type { ProcessorContext, ProcessorSupplier } from "../../processor.js";
import type { StreamRecord } from "../../record.js";
import type { Change } from "./change.js";
import { ForwardingProcessor } from "./forwarding-processor.js";
import { TimestampedTupleForwarder } from "./timestamped-tuple-forwarder.js";
import { putOrDelete, timestamped } from "./store-writes.js";
import { valueOrNull } from "../../../stores/value-and-timestamp.js";
import type { ValueAndTimestamp } from "../../../stores/value-and-timestamp.js";
import type { TableProcessorSupplier } from "./table-processor-supplier.js";
import { storeValueGetterSupplier } from "./value-getter.js";
import type { ValueGetterSupplier } from "./value-getter.js";

export class TableSourceSupplier<K, V> implements TableProcessorSupplier<K, V> {
  readonly storeName: string;
  #materialized: boolean;
  #sendOldValues = false;
  readonly #onMaterialize: () => void;

  /** `onMaterialize` connects the store to the node the first time the table needs it. */
  constructor(storeName: string, materialized: boolean, onMaterialize: () => void) {
    this.storeName = storeName;
    this.#materialized = materialized;
    this.#onMaterialize = onMaterialize;
    if (materialized) onMaterialize();
  }

  get materialized(): boolean {
    return this.#materialized;
  }

  materialize(): void {
    if (this.#materialized) return;
    this.#materialized = true;
    this.#onMaterialize();
  }

  enableSendingOldValues(forceMaterialization: boolean): boolean {
    if (!forceMaterialization && !this.#materialized) return false;
    this.materialize();
    this.#sendOldValues = true;
    return true;
  }

  view(): ValueGetterSupplier<K, V> {
    this.materialize();
    return storeValueGetterSupplier(this.storeName);
  }

  readonly supplier: ProcessorSupplier<K, V | null, K, Change<V>> = () => {
    const materialized = this.#materialized;
    const sendOldValues = this.#sendOldValues;
    const storeName = this.storeName;
    return new (class extends ForwardingProcessor<K, V | null, K, Change<V>> {
      #store: KeyValueStore<K, ValueAndTimestamp<V>> | undefined;
      #forwarder: TimestampedTupleForwarder<K, V> | undefined;

      override init(context: ProcessorContext<K, Change<V>>): void {
        super.init(context);
        if (!materialized) return;
        this.#store = context.getStateStore<K, ValueAndTimestamp<V>>(storeName);
        this.#forwarder = new TimestampedTupleForwarder(this.#store, context, sendOldValues);
      }

      async process(record: StreamRecord<K, V | null>): Promise<void> {
        // A table row needs a key: Kafka Streams drops null-key records here.
        if (record.key === null) {
          this.context.recordDropped("a table row needs a key, and the record has none");
          return;
        }
        if (this.#store === undefined) {
          await this.context.forward({ ...record, value: { newValue: record.value, oldValue: null } });
          return;
        }
        // An update older than the row (out of order) still wins, as in Kafka Streams' non-versioned tables.
        const oldValue = valueOrNull(await this.#store.get(record.key));
        await putOrDelete(this.#store, record.key, timestamped(record.value, record.timestamp));
        await this.#forwarder?.maybeForward({ ...record, value: { newValue: record.value, oldValue } });
      }
    })();
  };
}
