// KTable.suppress(): Kafka Streams' KTableSuppressProcessorSupplier. Every update goes into the
// buffer (a key's later update replaces its earlier one and keeps its place in time); as stream
// time passes, entries whose buffer time is at least the suppression's duration old are emitted
// with the timestamp and headers of the record that brought them. Buffer time is the window's
// end for untilWindowCloses (duration: the windows' grace) and the record's time for
// untilTimeLimit. A buffer over its bounds emits its earliest entries early or, strict, stops
// the task. The suppressed table's value getter answers the value downstream last saw for a
// buffered key (its prior value), the parent's value otherwise.
import type { SuppressionBuffer } from "../../../stores/suppression-buffer.js";
import type { Eviction } from "../../../stores/suppression-buffer.js";
import type { Windowed } from "../../../serdes/windowed.js";
import { SuppressionBufferFullError } from "../../errors.js";
import { RecordHeaders } from "../../headers.js";
import type { ProcessorContext, ProcessorSupplier } from "../../processor.js";
import type { StreamRecord } from "../../record.js";
import type { BufferFullStrategy } from "../suppressed.js";
import type { Change } from "./change.js";
import { ForwardingProcessor } from "./forwarding-processor.js";
import type { TableProcessorSupplier } from "./table-processor-supplier.js";
import type { ValueGetter, ValueGetterSupplier } from "./value-getter.js";

/** Kafka Streams' RecordQueue.UNKNOWN: the time of a buffered key's prior value is not known. */
const UNKNOWN_TIMESTAMP = -1;

export interface SuppressionSpec {
  /** The suppress processor's name, for the error of a strict buffer that fills. */
  readonly nodeName: string;
  /** Buffer time: the window's end (final results) or the record's time (time limit). */
  readonly windowEndTime: boolean;
  /** How long past its buffer time an entry waits, in ms of stream time. */
  readonly durationMs: number;
  readonly recordLimit: number;
  readonly byteLimit: number;
  readonly fullStrategy: BufferFullStrategy;
  /** Final results of windows drop deletes (nothing downstream saw the window yet). */
  readonly dropTombstones: boolean;
}

function bufferOf<K, V>(context: ProcessorContext<unknown, unknown>, storeName: string): SuppressionBuffer<K, V> {
  return context.getStateStore(storeName) as unknown as SuppressionBuffer<K, V>;
}

export class TableSuppressSupplier<K, V> implements TableProcessorSupplier<K, V> {
  readonly #parent: TableProcessorSupplier<K, V>;
  readonly #storeName: string;
  readonly #spec: SuppressionSpec;

  constructor(parent: TableProcessorSupplier<K, V>, storeName: string, spec: SuppressionSpec) {
    this.#parent = parent;
    this.#storeName = storeName;
    this.#spec = spec;
    // The buffer keeps the value downstream last saw (the prior value): it needs the old values.
    parent.enableSendingOldValues(true);
  }

  enableSendingOldValues(forceMaterialization: boolean): boolean {
    return this.#parent.enableSendingOldValues(forceMaterialization);
  }

  view(): ValueGetterSupplier<K, V> {
    const parent = this.#parent.view();
    const storeName = this.#storeName;
    return {
      storeNames: [storeName, ...parent.storeNames],
      get(): ValueGetter<K, V> {
        const parentGetter = parent.get();
        let buffer: SuppressionBuffer<K, V> | undefined;
        return {
          init(context) {
            parentGetter.init(context);
            buffer = bufferOf<K, V>(context, storeName);
          },
          async get(key) {
            if (buffer === undefined)
              throw new Error(`The value getter of store "${storeName}" was used before init()`);
            const prior = await buffer.priorValueForBuffered(key);
            if (prior === undefined) return parentGetter.get(key);
            return prior.value === null ? null : { value: prior.value, timestamp: UNKNOWN_TIMESTAMP };
          },
        };
      },
    };
  }

  readonly supplier: ProcessorSupplier<K, Change<V>, K, Change<V>> = () => {
    const storeName = this.#storeName;
    const spec = this.#spec;
    return new (class extends ForwardingProcessor<K, Change<V>, K, Change<V>> {
      #buffer!: SuppressionBuffer<K, V>;
      #observedStreamTime = -1;

      override init(context: ProcessorContext<K, Change<V>>): void {
        super.init(context);
        this.#buffer = bufferOf<K, V>(context as ProcessorContext<unknown, unknown>, storeName);
      }

      async process(record: StreamRecord<K, Change<V>>): Promise<void> {
        this.#observedStreamTime = Math.max(this.#observedStreamTime, record.timestamp);
        const bufferTime = spec.windowEndTime ? (record.key as Windowed<unknown>).window.end : record.timestamp;
        const origin = this.context.recordContext();
        await this.#buffer.put(bufferTime, record.key, record.value, {
          timestamp: record.timestamp,
          offset: origin.offset,
          topic: origin.topic ?? "",
          partition: origin.partition,
          headers: [...record.headers],
        });
        await this.#enforceConstraints();
      }

      async #enforceConstraints(): Promise<void> {
        const buffer = this.#buffer;
        const expiryTime = this.#observedStreamTime - spec.durationMs;
        const emit = (eviction: Eviction<K, V>) => this.#emit(eviction);
        await buffer.evictWhile(() => buffer.minTimestamp() <= expiryTime, emit);
        if (!this.#overCapacity()) return;
        if (spec.fullStrategy === "emit") {
          await buffer.evictWhile(() => this.#overCapacity(), emit);
          return;
        }
        throw new SuppressionBufferFullError(
          spec.nodeName,
          buffer.numRecords(),
          spec.recordLimit,
          buffer.bufferSize(),
          spec.byteLimit,
        );
      }

      #overCapacity(): boolean {
        return this.#buffer.numRecords() > spec.recordLimit || this.#buffer.bufferSize() > spec.byteLimit;
      }

      async #emit({ key, value, context }: Eviction<K, V>): Promise<void> {
        if (value.newValue === null && spec.dropTombstones) return;
        await this.context.forward({
          key,
          value,
          timestamp: context.timestamp,
          headers: new RecordHeaders(context.headers),
        });
      }
    })();
  };
}
