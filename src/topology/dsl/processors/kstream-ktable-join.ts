// Stream-table joins: Kafka Streams' KStreamKTableJoin. Each stream record looks up the
// table's current value for its key; the table side never triggers output. Records
// with a null value are dropped (a null would be ambiguous with "no row" in a left
// join); a null key drops the record in an inner join and joins with null in a left one
// (since Kafka Streams 3.7, KIP-962). Dropped records are counted.
import type { ProcessorContext, ProcessorSupplier } from "../../processor.js";
import type { StreamRecord } from "../../record.js";
import { ForwardingProcessor } from "./forwarding-processor.js";
import type { ValueGetterSupplier } from "./value-getter.js";

export function streamTableJoinSupplier<K, V, VT, VR>(
  table: ValueGetterSupplier<K, VT>,
  joiner: (value: V, tableValue: VT | null, key: K) => VR,
  leftJoin: boolean,
): ProcessorSupplier<K, V, K, VR> {
  return () => {
    const getter = table.get();
    return new (class extends ForwardingProcessor<K, V, K, VR> {
      override init(context: ProcessorContext<K, VR>): void {
        super.init(context);
        getter.init(context as ProcessorContext<unknown, unknown>);
      }

      async process(record: StreamRecord<K, V>): Promise<void> {
        // Counted as Kafka Streams' dropped-records sensor counts them.
        if (record.value === null || (record.key === null && !leftJoin)) {
          this.context.recordDropped("a stream-table join skips a record with a null join key or value");
          return;
        }
        const tableValue = record.key === null ? null : ((await getter.get(record.key))?.value ?? null);
        if (tableValue === null && !leftJoin) return;
        await this.context.forward({ ...record, value: joiner(record.value, tableValue, record.key) });
      }
    })();
  };
}
