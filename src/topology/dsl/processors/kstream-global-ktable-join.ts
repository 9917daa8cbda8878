// Stream-global table joins: Kafka Streams' KStreamGlobalKTableJoin (a KStreamKTableJoin
// whose key mapper may pick any key). Each record looks up the global table's row for
// the key the mapper computes from it; table updates never trigger output. A record with
// a null value, or whose mapped key is null, is dropped, except that a left join keeps a
// record with a null key (and joins it with null when it maps to no key). The result keeps
// the record's key and timestamp.
import type { ProcessorContext, ProcessorSupplier } from "../../processor.js";
import type { StreamRecord } from "../../record.js";
import { ForwardingProcessor } from "./forwarding-processor.js";
import type { ValueGetterSupplier } from "./value-getter.js";

export function streamGlobalTableJoinSupplier<K, V, KG, VG, VR>(
  table: ValueGetterSupplier<KG, VG>,
  keySelector: (key: K, value: V) => KG | null | undefined,
  joiner: (value: V, tableValue: VG | null, key: K) => VR,
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
        const mappedKey = keySelector(record.key, record.value) ?? null;
        const keepNullKey = leftJoin && record.key === null && record.value !== null;
        if (!keepNullKey && (mappedKey === null || record.value === null)) {
          this.context.recordDropped("null join key or value");
          return;
        }
        const tableValue = mappedKey === null ? null : ((await getter.get(mappedKey))?.value ?? null);
        if (tableValue === null && !leftJoin) return;
        await this.context.forward({ ...record, value: joiner(record.value, tableValue, record.key) });
      }
    })();
  };
}
