// The stateless KStream operations: Kafka Streams' KStreamFilter, KStreamMap,
// KStreamMapValues, KStreamFlatMap, KStreamFlatMapValues, KStreamPeek, ForeachProcessor,
// PassThrough and KStreamBranch. Each forwards depth-first, in input order, and returns
// what forward() returned: FORWARDED when the children finished synchronously, so that a
// record no child waits for costs no promise.
import type { KeyValue } from "../../../stores/key-value-store.js";
import type { ProcessorSupplier } from "../../processor.js";
import type { StreamRecord } from "../../record.js";
import { ForwardingProcessor } from "./forwarding-processor.js";
import { MapperReturnedNullError } from "../../errors.js";

export type Predicate<K, V> = (key: K, value: V) => boolean;

export function filterSupplier<K, V>(predicate: Predicate<K, V>, negate: boolean): ProcessorSupplier<K, V, K, V> {
  return () =>
    new (class extends ForwardingProcessor<K, V, K, V> {
      process(record: StreamRecord<K, V>): Promise<void> | undefined {
        return predicate(record.key, record.value) !== negate ? this.context.forward(record) : undefined;
      }
    })();
}

export function mapSupplier<K, V, KR, VR>(
  mapper: (key: K, value: V) => KeyValue<KR, VR>,
): ProcessorSupplier<K, V, KR, VR> {
  return () =>
    new (class extends ForwardingProcessor<K, V, KR, VR> {
      process(record: StreamRecord<K, V>): Promise<void> {
        const mapped = mapper(record.key, record.value);
        if (mapped === null || mapped === undefined) throw new MapperReturnedNullError("KeyValueMapper", "map");
        return this.context.forward({ ...record, key: mapped.key, value: mapped.value });
      }
    })();
}

export function mapValuesSupplier<K, V, VR>(mapper: (value: V, key: K) => VR): ProcessorSupplier<K, V, K, VR> {
  return () =>
    new (class extends ForwardingProcessor<K, V, K, VR> {
      process(record: StreamRecord<K, V>): Promise<void> {
        return this.context.forward({ ...record, value: mapper(record.value, record.key) });
      }
    })();
}

export function flatMapSupplier<K, V, KR, VR>(
  mapper: (key: K, value: V) => Iterable<KeyValue<KR, VR>>,
): ProcessorSupplier<K, V, KR, VR> {
  return () =>
    new (class extends ForwardingProcessor<K, V, KR, VR> {
      async process(record: StreamRecord<K, V>): Promise<void> {
        const pairs = mapper(record.key, record.value);
        if (pairs === null || pairs === undefined) throw new MapperReturnedNullError("KeyValueMapper", "flatMap");
        for (const { key, value } of pairs) {
          await this.context.forward({ ...record, key, value, headers: record.headers.clone() });
        }
      }
    })();
}

export function flatMapValuesSupplier<K, V, VR>(
  mapper: (value: V, key: K) => Iterable<VR>,
): ProcessorSupplier<K, V, K, VR> {
  return () =>
    new (class extends ForwardingProcessor<K, V, K, VR> {
      async process(record: StreamRecord<K, V>): Promise<void> {
        for (const value of mapper(record.value, record.key)) {
          await this.context.forward({ ...record, value, headers: record.headers.clone() });
        }
      }
    })();
}

export function peekSupplier<K, V>(action: (key: K, value: V) => void): ProcessorSupplier<K, V, K, V> {
  return () =>
    new (class extends ForwardingProcessor<K, V, K, V> {
      process(record: StreamRecord<K, V>): Promise<void> {
        action(record.key, record.value);
        return this.context.forward(record);
      }
    })();
}

export function foreachSupplier<K, V>(action: (key: K, value: V) => void): ProcessorSupplier<K, V> {
  return () => ({
    process(record: StreamRecord<K, V>): void {
      action(record.key, record.value);
    },
  });
}

export function passThroughSupplier<K, V>(): ProcessorSupplier<K, V, K, V> {
  return () =>
    new (class extends ForwardingProcessor<K, V, K, V> {
      process(record: StreamRecord<K, V>): Promise<void> {
        return this.context.forward(record);
      }
    })();
}

/**
 * split(): the first branch whose predicate holds gets the record; with a default
 * branch (one child more than predicates), records no predicate took go there.
 * `predicates` and `children` are read when the processor runs, so branches added after
 * split() are seen, as in Kafka Streams.
 */
export function branchSupplier<K, V>(
  predicates: readonly Predicate<K, V>[],
  children: readonly string[],
): ProcessorSupplier<K, V, K, V> {
  return () =>
    new (class extends ForwardingProcessor<K, V, K, V> {
      process(record: StreamRecord<K, V>): Promise<void> | undefined {
        for (let i = 0; i < predicates.length; i++) {
          const predicate = predicates[i];
          const child = children[i];
          if (predicate !== undefined && child !== undefined && predicate(record.key, record.value)) {
            return this.context.forward(record, child);
          }
        }
        const defaultChild = children.length > predicates.length ? children[children.length - 1] : undefined;
        return defaultChild === undefined ? undefined : this.context.forward(record, defaultChild);
      }
    })();
}
