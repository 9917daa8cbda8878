// Kafka Streams' KStreamKStreamSelfJoin: a stream joined with itself, as topology.optimization
// single.store.self.join rewrites it, with one window store (the "this" side's) and one
// processor instead of two stores, two join sides and a merge. The record is not yet in the
// store when it is joined (the windowed node forwards before it stores), so it meets itself
// once, emitted where the inner join would emit it: the records of the plain join, in its order.
import type { ReadOnlyWindowStore } from "../../../../stores/window-store.js";
import type { ProcessorSupplier } from "../../../processor.js";
import type { StreamRecord } from "../../../record.js";
import type { JoinWindows } from "../../join-windows.js";
import { ForwardingProcessor } from "../forwarding-processor.js";

export function streamSelfJoinSupplier<K, V, VOut>(
  storeName: string,
  windows: JoinWindows,
  /** In the left stream's terms; both sides are this stream. */
  joiner: (left: V, right: V, key: K) => VOut,
): ProcessorSupplier<K, V, K, VOut> {
  const retentionPeriod = windows.size() + windows.gracePeriodMs();
  return () =>
    new (class extends ForwardingProcessor<K, V, K, VOut> {
      #store!: ReadOnlyWindowStore<K, V>;
      #streamTime = -1;

      override init(context: Parameters<ForwardingProcessor<K, V, K, VOut>["init"]>[0]): void {
        super.init(context);
        this.#store = context.getStateStore(storeName) as unknown as ReadOnlyWindowStore<K, V>;
      }

      async process(record: StreamRecord<K, V>): Promise<void> {
        const { key, value, timestamp } = record;
        if (key === null || key === undefined || value === null || value === undefined) {
          this.context.recordDropped("a stream-stream join skips records with a null key or value");
          return;
        }
        this.#streamTime = Math.max(this.#streamTime, timestamp);
        // The record meets itself only while it has not expired.
        const emitSelf = timestamp > this.#streamTime - retentionPeriod + 1;
        const self = { ...record, value: joiner(value, value, key), timestamp };
        // As this side: the stored records in [t - before, t + after] are the other side.
        for await (const other of this.#store.fetch(
          key,
          Math.max(0, timestamp - windows.beforeMs),
          Math.max(0, timestamp + windows.afterMs),
        )) {
          await this.context.forward({
            ...record,
            value: joiner(value, other.value, key),
            timestamp: Math.max(timestamp, other.key),
          });
        }
        // As the other side, in a loop of its own so that the results come in the inner join's order.
        let emittedSelf = false;
        for await (const other of this.#store.fetch(
          key,
          Math.max(0, timestamp - windows.afterMs),
          Math.max(0, timestamp + windows.beforeMs),
        )) {
          const joinedAt = Math.max(timestamp, other.key);
          // The record with itself comes before the first later partner's, in timestamp order.
          if (timestamp < joinedAt && !emittedSelf && emitSelf) {
            emittedSelf = true;
            await this.context.forward(self);
          }
          await this.context.forward({ ...record, value: joiner(other.value, value, key), timestamp: joinedAt });
        }
        if (!emittedSelf && emitSelf) await this.context.forward(self);
      }
    })();
}
