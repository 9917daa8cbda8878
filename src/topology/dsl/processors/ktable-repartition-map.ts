// KTable groupBy: Kafka Streams' KTableRepartitionMap. Each change is mapped to its new
// group key; the old value is mapped too, so the aggregation downstream can subtract
// it from the group it left. One record when the group key stays, two (subtract
// first) when it moves.
import type { KeyValue } from "../../../stores/key-value-store.js";
import type { ProcessorSupplier } from "../../processor.js";
import type { StreamRecord } from "../../record.js";
import type { Serde } from "../../../serdes/serde.js";
import type { Change } from "./change.js";
import { ForwardingProcessor } from "./forwarding-processor.js";

export function tableRepartitionMapSupplier<K, V, KR, VR>(
  mapper: (key: K, value: V) => KeyValue<KR, VR>,
  keySerde: () => Serde<KR> | undefined,
): ProcessorSupplier<K, Change<V>, KR, Change<VR>> {
  return () => {
    const serde = keySerde();
    // Group keys are compared as Kafka would partition them: by their bytes.
    const sameKey = (a: KR, b: KR): boolean =>
      serde === undefined ? Object.is(a, b) : serde.serialize(a).equals(serde.serialize(b));
    return new (class extends ForwardingProcessor<K, Change<V>, KR, Change<VR>> {
      async process(record: StreamRecord<K, Change<V>>): Promise<void> {
        // An aggregate of a versioned table counts its latest rows only (KIP-914): history is not regrouped.
        if (record.value.isLatest === false) return;
        const { newValue, oldValue } = record.value;
        const newPair = newValue === null ? null : mapper(record.key, newValue);
        const oldPair = oldValue === null ? null : mapper(record.key, oldValue);
        const present = (pair: KeyValue<KR, VR> | null): pair is KeyValue<KR, VR> =>
          pair !== null &&
          pair.key !== null &&
          pair.key !== undefined &&
          pair.value !== null &&
          pair.value !== undefined;
        if (present(oldPair) && present(newPair) && sameKey(oldPair.key, newPair.key)) {
          await this.context.forward({
            ...record,
            key: newPair.key,
            value: { newValue: newPair.value, oldValue: oldPair.value },
          });
          return;
        }
        if (present(oldPair)) {
          await this.context.forward({
            ...record,
            key: oldPair.key,
            value: { newValue: null, oldValue: oldPair.value },
            headers: record.headers.clone(),
          });
        }
        if (present(newPair)) {
          await this.context.forward({
            ...record,
            key: newPair.key,
            value: { newValue: newPair.value, oldValue: null },
          });
        }
      }
    })();
  };
}
