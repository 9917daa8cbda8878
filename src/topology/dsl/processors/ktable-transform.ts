// KTable filter, filterNot and mapValues: Kafka Streams' KTableFilter and
// KTableMapValues. Without a store of their own they compute on the fly, and their
// value getter asks the parent's; with one they keep their result in it.
//
// Old values, when something downstream asks for them (a subtractor, a join, a filter
// that must retract): a materialized node answers on its own, from its store, read
// before the new result is put, so it never needs its parent's old values; an
// unmaterialized one recomputes the old result from the parent's old value, so it can
// send old values only when its parent can. A filter thereby retracts a row that stops
// passing: Change(null, old result).
//
// A filter below a versioned table (Kafka Streams' versioned semantics, KIP-914) forwards
// every tombstone, even one that follows another: an update older than the key's latest
// may be a delete downstream must see.
import type { KeyValueStore } from "../../../stores/key-value-store.js";
import type { ProcessorContext, ProcessorSupplier } from "../../processor.js";
import type { StreamRecord } from "../../record.js";
import type { Change } from "./change.js";
import { withLatest } from "./change.js";
import { ForwardingProcessor } from "./forwarding-processor.js";
import { TimestampedTupleForwarder } from "./timestamped-tuple-forwarder.js";
import { putOrDelete, timestamped } from "./store-writes.js";
import { valueOrNull } from "../../../stores/value-and-timestamp.js";
import type { ValueAndTimestamp } from "../../../stores/value-and-timestamp.js";
import type { TableProcessorSupplier } from "./table-processor-supplier.js";
import { TableSourceSupplier } from "./ktable-source.js";
import { derivedValueGetterSupplier, storeValueGetterSupplier } from "./value-getter.js";
import type { ValueGetterSupplier } from "./value-getter.js";

export class TableTransformSupplier<K, V, VR> implements TableProcessorSupplier<K, VR> {
  readonly #parent: TableProcessorSupplier<K, V>;
  readonly #compute: (key: K, value: V) => VR | null;
  readonly #storeName: string | undefined;
  /** A filter drops a change whose old and new results are both absent (KTableFilter); mapValues does not. */
  readonly #skipEmptyChanges: boolean;
  #sendOldValues = false;
  /** Whether the table this one computes from is versioned (Kafka Streams' isVersionedUpstream()). */
  readonly versionedUpstream: boolean;

  constructor(
    parent: TableProcessorSupplier<K, V>,
    compute: (key: K, value: V) => VR | null,
    storeName: string | undefined,
    skipEmptyChanges: boolean,
  ) {
    this.#parent = parent;
    this.#compute = compute;
    this.#storeName = storeName;
    this.#skipEmptyChanges = skipEmptyChanges;
    this.versionedUpstream = outputVersioned(parent);
    // KTableFilter: when the parent sends old values anyway (a materialized source), the
    // filter uses them, so that a row it drops and had dropped before sends no tombstone.
    if (skipEmptyChanges && parent.enableSendingOldValues(false)) this.#sendOldValues = true;
  }

  /** Whether the table keeps its rows in a store of its own. */
  get materialized(): boolean {
    return this.#storeName !== undefined;
  }

  enableSendingOldValues(forceMaterialization: boolean): boolean {
    if (this.#storeName !== undefined) {
      this.#sendOldValues = true;
      return true;
    }
    if (this.#parent.enableSendingOldValues(forceMaterialization)) this.#sendOldValues = true;
    return this.#sendOldValues;
  }

  view(): ValueGetterSupplier<K, VR> {
    if (this.#storeName !== undefined) return storeValueGetterSupplier(this.#storeName);
    return derivedValueGetterSupplier(this.#parent.view(), this.#compute);
  }

  readonly supplier: ProcessorSupplier<K, Change<V>, K, Change<VR>> = () => {
    const compute = (key: K, value: V | null): VR | null => (value === null ? null : this.#compute(key, value));
    const storeName = this.#storeName;
    const sendOldValues = this.#sendOldValues;
    const skipEmptyChanges = this.#skipEmptyChanges && !this.versionedUpstream;
    return new (class extends ForwardingProcessor<K, Change<V>, K, Change<VR>> {
      #store: KeyValueStore<K, ValueAndTimestamp<VR>> | undefined;
      #forwarder: TimestampedTupleForwarder<K, VR> | undefined;

      override init(context: ProcessorContext<K, Change<VR>>): void {
        super.init(context);
        if (storeName === undefined) return;
        this.#store = context.getStateStore<K, ValueAndTimestamp<VR>>(storeName);
        this.#forwarder = new TimestampedTupleForwarder(this.#store, context, sendOldValues);
      }

      async process(record: StreamRecord<K, Change<V>>): Promise<void> {
        const newValue = compute(record.key, record.value.newValue);
        const oldValue = await this.#oldValue(record);
        // Nothing was in the table and nothing is: a filter that drops a row twice says nothing.
        if (skipEmptyChanges && sendOldValues && newValue === null && oldValue === null) return;
        if (this.#store === undefined) {
          await this.context.forward({ ...record, value: withLatest({ newValue, oldValue }, record.value) });
          return;
        }
        await putOrDelete(this.#store, record.key, timestamped(newValue, record.timestamp));
        await this.#forwarder?.maybeForward({ ...record, value: withLatest({ newValue, oldValue }, record.value) });
      }

      async #oldValue(record: StreamRecord<K, Change<V>>): Promise<VR | null> {
        if (!sendOldValues) return null;
        if (this.#store !== undefined) return valueOrNull(await this.#store.get(record.key));
        return compute(record.key, record.value.oldValue);
      }
    })();
  };
}

/**
 * Whether a table's updates come from a versioned store: a source materialized as one; a
 * filter or mapValues without a store of its own passes its parent's on. Anything else
 * (a store of its own, a join, an aggregate) is taken as not versioned.
 */
function outputVersioned(table: TableProcessorSupplier<unknown, unknown>): boolean {
  if (table instanceof TableSourceSupplier) return table.versioned !== undefined;
  if (table instanceof TableTransformSupplier) return !table.materialized && table.versionedUpstream;
  return false;
}
