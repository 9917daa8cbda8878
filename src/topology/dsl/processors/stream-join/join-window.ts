// Kafka Streams' KStreamJoinWindow: the node in front of each side of a stream-stream
// join that remembers its records in the side's window store (every record starts a
// window of its own; the store is there for its retention) and passes them on to the
// join. A record older than the store's retention is not kept: it can join no longer,
// and is counted as dropped, as Kafka Streams' window store counts a write to an
// expired segment.
import type { ProcessorContext, ProcessorSupplier } from "../../../processor.js";
import type { StreamRecord } from "../../../record.js";
import { ForwardingProcessor } from "../forwarding-processor.js";

/** A join window store: its put resolves to false when the window had expired and the write was dropped. */
export interface JoinWindowStore<K, V> {
  put(key: K, value: V | null, windowStart: number): Promise<boolean | void>;
}

export function joinWindowSupplier<K, V>(storeName: string): ProcessorSupplier<K, V, K, V> {
  return () =>
    new (class extends ForwardingProcessor<K, V, K, V> {
      #store!: JoinWindowStore<K, V>;

      override init(context: ProcessorContext<K, V>): void {
        super.init(context);
        this.#store = context.getStateStore(storeName) as unknown as JoinWindowStore<K, V>;
      }

      async process(record: StreamRecord<K, V>): Promise<void> {
        await this.context.forward(record);
        // A null key joins nothing, so it is never stored.
        if (record.key === null || record.key === undefined) return;
        const kept = await this.#store.put(record.key, record.value, record.timestamp);
        if (kept === false) {
          this.context.recordDropped(
            `record for expired segment of join store ${storeName}: timestamp=[${record.timestamp}]`,
          );
        }
      }
    })();
}
