// Kafka Streams' TimestampedTupleForwarder with its TimestampedCacheFlushListener: a
// table processor forwards its updates itself when its store is not cached, and leaves
// them to the record cache when it is: the cache then forwards each key's latest update
// at the flush, stamped with the row's timestamp (the record's, for a delete), with the
// headers of the write it folds.
import type { CachedStore, FlushedEntry } from "../../../stores/cached-store.js";
import { isCachedStore } from "../../../stores/cached-store.js";
import type { ValueAndTimestamp } from "../../../stores/value-and-timestamp.js";
import { FORWARDED } from "../../processor.js";
import type { ProcessorContext } from "../../processor.js";
import type { RecordContext, StreamRecord } from "../../record.js";
import type { Change } from "./change.js";

export class TimestampedTupleForwarder<K, V> {
  readonly #context: ProcessorContext<K, Change<V>>;
  readonly #sendOldValues: boolean;
  /** The store forwards (through its flush); the processor does not. */
  readonly cachingEnabled: boolean;

  constructor(store: unknown, context: ProcessorContext<K, Change<V>>, sendOldValues: boolean) {
    this.#context = context;
    this.#sendOldValues = sendOldValues;
    this.cachingEnabled =
      isCachedStore(store) &&
      (store as CachedStore<K, ValueAndTimestamp<V>, RecordContext>).setFlushListener(
        (entry) => this.#flushed(entry),
        sendOldValues,
      );
  }

  /** Forwards the update unless the cache will. Resolves to FORWARDED when nothing waits. */
  maybeForward(record: StreamRecord<K, Change<V>>): Promise<void> {
    if (this.cachingEnabled) return FORWARDED;
    return this.#context.forward(
      this.#sendOldValues || record.value.oldValue === null
        ? record
        : { ...record, value: { newValue: record.value.newValue, oldValue: null } },
    );
  }

  #flushed(entry: FlushedEntry<K, ValueAndTimestamp<V>, RecordContext>): Promise<void> {
    return this.#context.forward({
      key: entry.key,
      value: { newValue: entry.newValue?.value ?? null, oldValue: entry.oldValue?.value ?? null },
      timestamp: entry.newValue !== null ? entry.newValue.timestamp : entry.context.timestamp,
      headers: entry.context.headers,
    });
  }
}
