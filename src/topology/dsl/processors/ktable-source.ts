// builder.table(): Kafka Streams' KTableSource. The table is materialized in its store
// when the user named the store or when something downstream needs to read it (a join,
// a groupBy); otherwise records pass through as Change(new, null) without a store.
//
// In a versioned store (KIP-914), an out-of-order update becomes a version of the past
// rather than the current row: it is forwarded marked not latest (Change.isLatest false),
// and one older than the store's history retention is neither stored nor forwarded.
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
import { storeValueGetterSupplier, versionedValueGetterSupplier } from "./value-getter.js";
import {
  PUT_RETURN_CODE_NOT_PUT,
  PUT_RETURN_CODE_VALID_TO_UNDEFINED,
} from "../../../stores/versioned-key-value-store.js";
import type { VersionedKeyValueStore } from "../../../stores/versioned-key-value-store.js";
import type { VersionedStoreSpec } from "../../../stores/versioned-key-schema.js";
import type { ValueGetterSupplier } from "./value-getter.js";

export class TableSourceSupplier<K, V> implements TableProcessorSupplier<K, V> {
  readonly storeName: string;
  #materialized: boolean;
  #sendOldValues = false;
  readonly #onMaterialize: () => void;

  /** `onMaterialize` connects the store to the node the first time the table needs it. */
  /** The table's store keeps versions (a VersionedKeyValueStore) rather than ValueAndTimestamp rows. */
  readonly versioned: VersionedStoreSpec | undefined;

  constructor(
    storeName: string,
    materialized: boolean,
    onMaterialize: () => void,
    versioned: VersionedStoreSpec | undefined = undefined,
  ) {
    this.storeName = storeName;
    this.versioned = versioned;
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
    return this.versioned === undefined
      ? storeValueGetterSupplier(this.storeName)
      : versionedValueGetterSupplier(this.storeName, this.versioned.historyRetentionMs);
  }

  readonly supplier: ProcessorSupplier<K, V | null, K, Change<V>> = () => {
    const materialized = this.#materialized;
    const sendOldValues = this.#sendOldValues;
    const storeName = this.storeName;
    if (this.versioned !== undefined) return new VersionedTableSourceProcessor<K, V>(storeName, sendOldValues);
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

/** KTableSource over a versioned store: put() says whether the update is the latest, or too late to keep. */
class VersionedTableSourceProcessor<K, V> extends ForwardingProcessor<K, V | null, K, Change<V>> {
  readonly #storeName: string;
  readonly #sendOldValues: boolean;
  #store!: VersionedKeyValueStore<K, V>;

  constructor(storeName: string, sendOldValues: boolean) {
    super();
    this.#storeName = storeName;
    this.#sendOldValues = sendOldValues;
  }

  override init(context: ProcessorContext<K, Change<V>>): void {
    super.init(context);
    this.#store = context.getStateStore(this.#storeName) as unknown as VersionedKeyValueStore<K, V>;
  }

  async process(record: StreamRecord<K, V | null>): Promise<void> {
    if (record.key === null) {
      this.context.recordDropped("a table row needs a key, and the record has none");
      return;
    }
    const oldValue = (await this.#store.get(record.key))?.value ?? null;
    const putReturnCode = await this.#store.put(record.key, record.value, record.timestamp);
    if (putReturnCode === PUT_RETURN_CODE_NOT_PUT) {
      this.context.recordDropped("a versioned table skips an update older than its history retention");
      return;
    }
    // Versioned stores are never cached: the processor forwards itself (TimestampedTupleForwarder).
    await this.context.forward({
      ...record,
      value: {
        newValue: record.value,
        oldValue: this.#sendOldValues ? oldValue : null,
        isLatest: putReturnCode === PUT_RETURN_CODE_VALID_TO_UNDEFINED,
      },
    });
  }
}
