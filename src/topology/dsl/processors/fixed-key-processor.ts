// processValues(): a FixedKeyProcessor runs as an ordinary processor whose context
// accepts only FixedKeyRecords, so what it forwards keeps the key it received (Kafka
// Streams' FixedKeyProcessorContext). The check holds for JavaScript callers too.
import { FixedKeyRecord } from "../../fixed-key-record.js";
import type {
  FixedKeyProcessorContext,
  FixedKeyProcessorSupplier,
  ProcessorContext,
  ProcessorSupplier,
} from "../../processor.js";
import type { StreamRecord } from "../../record.js";

export function fixedKeyProcessorSupplier<K, V, VOut>(
  supplier: FixedKeyProcessorSupplier<K, V, VOut>,
): ProcessorSupplier<K, V, K, VOut> {
  return () => {
    const processor = supplier();
    return {
      init(context: ProcessorContext<K, VOut>) {
        return processor.init?.(fixedKeyContext(context));
      },
      process(record: StreamRecord<K, V>) {
        return processor.process(FixedKeyRecord.of(record));
      },
      close() {
        return processor.close?.();
      },
    };
  };
}

function fixedKeyContext<K, VOut>(context: ProcessorContext<K, VOut>): FixedKeyProcessorContext<K, VOut> {
  return {
    get applicationId() {
      return context.applicationId;
    },
    get taskId() {
      return context.taskId;
    },
    forward(record, childName) {
      if (!FixedKeyRecord.isFixedKeyRecord(record)) {
        return Promise.reject(
          new TypeError(
            "A processValues() processor forwards FixedKeyRecords: make one from the input with record.withValue(...)",
          ),
        );
      }
      return context.forward(record, childName);
    },
    getStateStore: (name) => context.getStateStore(name),
    recordDropped: (reason) => context.recordDropped(reason),
    schedule: (intervalMs, type, punctuator) => context.schedule(intervalMs, type, punctuator),
    recordMetadata: () => context.recordMetadata(),
    recordContext: () => context.recordContext(),
    currentStreamTimeMs: () => context.currentStreamTimeMs(),
    currentSystemTimeMs: () => context.currentSystemTimeMs(),
    commit: () => context.commit(),
    appConfigs: () => context.appConfigs(),
    appConfigsWithPrefix: (prefix) => context.appConfigsWithPrefix(prefix),
    keySerde: () => context.keySerde(),
    valueSerde: () => context.valueSerde(),
    addProcessorMetadataKeyValue: (key, value) => context.addProcessorMetadataKeyValue(key, value),
    processorMetadataForKey: (key) => context.processorMetadataForKey(key),
  };
}
