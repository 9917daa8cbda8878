// KTable.transformValues(): Kafka Streams' KTableTransformValues. A ValueTransformerWithKey
// sees every update of the table, deletes included (its transform() is called with a
// null value), may keep state in the stores it was connected to by name, and cannot
// forward (ForwardingDisabledProcessorContext): the processor forwards its result.
//
// Unlike mapValues, a transformer may be stateful, so an old value is computed the way
// Kafka Streams computes it: a materialized node reads it from its store; an unmaterialized
// one calls the transformer again on the parent's old value. A downstream join reading an
// unmaterialized result goes through a value getter with a transformer of its own, which
// runs with the row's timestamp as the record context's (as the Java getter sets it).
import type { KeyValueStore } from "../../../stores/key-value-store.js";
import type { ValueAndTimestamp } from "../../../stores/value-and-timestamp.js";
import { NO_TIMESTAMP, valueOrNull } from "../../../stores/value-and-timestamp.js";
import { RecordHeaders } from "../../headers.js";
import type { Processor, ProcessorContext, ProcessorSupplier } from "../../processor.js";
import type { RecordContext, StreamRecord } from "../../record.js";
import { InvalidOperationError } from "../../errors.js";
import type { Change } from "./change.js";
import { withLatest } from "./change.js";
import { TimestampedTupleForwarder } from "./timestamped-tuple-forwarder.js";
import { putOrDelete, timestamped } from "./store-writes.js";
import type { TableProcessorSupplier } from "./table-processor-supplier.js";
import { storeValueGetterSupplier } from "./value-getter.js";
import type { ValueGetter, ValueGetterSupplier } from "./value-getter.js";

/**
 * Kafka Streams' ValueTransformerWithKey: one per task (and one per value getter), given a
 * context that reads stores but cannot forward. `transform` is called for deletes too,
 * with a null value; what it returns (null for a delete) is the table's new value.
 */
export interface ValueTransformerWithKey<K, V, VR> {
  init?(context: ProcessorContext<never, never>): void | Promise<void>;
  transform(readOnlyKey: K, value: V | null): VR | null | undefined | Promise<VR | null | undefined>;
  close?(): void | Promise<void>;
}

/** A function returning a new transformer each call, or an object with get() (Kafka Streams' supplier). */
export type ValueTransformerWithKeySupplier<K, V, VR> =
  (() => ValueTransformerWithKey<K, V, VR>) | { get(): ValueTransformerWithKey<K, V, VR> };

/** Kafka Streams' ForwardingDisabledProcessorContext message, for forward() from a transformer. */
export const FORWARDING_DISABLED_MESSAGE =
  "ProcessorContext#forward() is not supported from this context, as the framework must ensure the key is not " +
  "changed (#forward allows changing the key on messages which are sent). Try another function, which doesn't " +
  "allow the key to be changed (for example - #tranformValues).";

/** A new transformer from the supplier; a supplier that returns none fails at once, as Kafka Streams' does. */
export function newTransformer<K, V, VR>(
  supplier: ValueTransformerWithKeySupplier<K, V, VR>,
): ValueTransformerWithKey<K, V, VR> {
  const transformer = typeof supplier === "function" ? supplier() : supplier.get();
  if (transformer === null || typeof transformer !== "object" || typeof transformer.transform !== "function") {
    throw new InvalidOperationError(
      "valueTransformer can't be null: a transformValues() supplier must return a new object with transform() each call",
    );
  }
  return transformer;
}

/**
 * The context a transformer gets: the processor's, with forward() refused and, while
 * `override` is set (a value getter at work), that record context instead of the record's.
 */
function forwardingDisabled(
  context: ProcessorContext<unknown, unknown>,
  override: () => RecordContext | undefined,
): ProcessorContext<never, never> {
  return {
    get applicationId() {
      return context.applicationId;
    },
    get taskId() {
      return context.taskId;
    },
    forward: () => Promise.reject(new InvalidOperationError(FORWARDING_DISABLED_MESSAGE)),
    getStateStore: (name) => context.getStateStore(name),
    recordDropped: (reason) => context.recordDropped(reason),
    schedule: (intervalMs, type, punctuator) => context.schedule(intervalMs, type, punctuator),
    recordMetadata: () => (override() === undefined ? context.recordMetadata() : undefined),
    recordContext: () => override() ?? context.recordContext(),
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

async function transformed<K, V, VR>(
  transformer: ValueTransformerWithKey<K, V, VR>,
  key: K,
  value: V | null,
): Promise<VR | null> {
  return (await transformer.transform(key, value)) ?? null;
}

export class TableTransformValuesSupplier<K, V, VR> implements TableProcessorSupplier<K, VR> {
  readonly #parent: TableProcessorSupplier<K, V>;
  readonly #transformers: ValueTransformerWithKeySupplier<K, V, VR>;
  readonly #storeName: string | undefined;
  #sendOldValues = false;

  constructor(
    parent: TableProcessorSupplier<K, V>,
    transformers: ValueTransformerWithKeySupplier<K, V, VR>,
    storeName: string | undefined,
  ) {
    this.#parent = parent;
    this.#transformers = transformers;
    this.#storeName = storeName;
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
    const parent = this.#parent.view();
    const transformers = this.#transformers;
    return {
      storeNames: parent.storeNames,
      ...(parent.versioned === undefined ? {} : { versioned: parent.versioned }),
      get: () => new TransformValuesGetter(parent.get(), newTransformer(transformers)),
    };
  }

  readonly supplier: ProcessorSupplier<K, Change<V>, K, Change<VR>> = () => {
    const transformer = newTransformer(this.#transformers);
    const storeName = this.#storeName;
    const sendOldValues = this.#sendOldValues;
    // Not a ForwardingProcessor: a transformer's init() may be async, and is awaited.
    return new (class implements Processor<K, Change<V>, K, Change<VR>> {
      context!: ProcessorContext<K, Change<VR>>;
      #store: KeyValueStore<K, ValueAndTimestamp<VR>> | undefined;
      #forwarder: TimestampedTupleForwarder<K, VR> | undefined;

      async init(context: ProcessorContext<K, Change<VR>>): Promise<void> {
        this.context = context;
        await transformer.init?.(forwardingDisabled(context as ProcessorContext<unknown, unknown>, () => undefined));
        if (storeName === undefined) return;
        this.#store = context.getStateStore<K, ValueAndTimestamp<VR>>(storeName);
        this.#forwarder = new TimestampedTupleForwarder(this.#store, context, sendOldValues);
      }

      async process(record: StreamRecord<K, Change<V>>): Promise<void> {
        const newValue = await transformed(transformer, record.key, record.value.newValue);
        if (this.#store === undefined) {
          const oldValue = sendOldValues ? await transformed(transformer, record.key, record.value.oldValue) : null;
          await this.context.forward({ ...record, value: withLatest({ newValue, oldValue }, record.value) });
          return;
        }
        const oldValue = sendOldValues ? valueOrNull(await this.#store.get(record.key)) : null;
        await putOrDelete(this.#store, record.key, timestamped(newValue, record.timestamp));
        await this.#forwarder?.maybeForward({ ...record, value: withLatest({ newValue, oldValue }, record.value) });
      }

      async close(): Promise<void> {
        await transformer.close?.();
      }
    })();
  };
}

/** Kafka Streams' KTableTransformValuesGetter: the parent's row, transformed with the row's timestamp in context. */
class TransformValuesGetter<K, V, VR> implements ValueGetter<K, VR> {
  readonly #parent: ValueGetter<K, V>;
  readonly #transformer: ValueTransformerWithKey<K, V, VR>;
  #recordContext: RecordContext | undefined;

  constructor(parent: ValueGetter<K, V>, transformer: ValueTransformerWithKey<K, V, VR>) {
    this.#parent = parent;
    this.#transformer = transformer;
  }

  /** A transformer whose init() is async is ready once it settles; a failure surfaces at the first get(). */
  #ready: Promise<void> | undefined;

  init(context: ProcessorContext<unknown, unknown>): void {
    this.#parent.init(context);
    const initialized = this.#transformer.init?.(forwardingDisabled(context, () => this.#recordContext));
    if (initialized instanceof Promise) {
      this.#ready = initialized;
      initialized.catch(() => undefined);
    }
  }

  async get(key: K): Promise<ValueAndTimestamp<VR> | null> {
    if (this.#ready !== undefined) await this.#ready;
    return this.#transformed(key, await this.#parent.get(key));
  }

  async getAsOf(key: K, asOfTimestamp: number): Promise<ValueAndTimestamp<VR> | null> {
    if (this.#parent.getAsOf === undefined) throw new TypeError("getAsOf() needs a getter over a versioned table");
    if (this.#ready !== undefined) await this.#ready;
    return this.#transformed(key, await this.#parent.getAsOf(key, asOfTimestamp));
  }

  async #transformed(key: K, entry: ValueAndTimestamp<V> | null): Promise<ValueAndTimestamp<VR> | null> {
    const timestamp = entry === null ? NO_TIMESTAMP : entry.timestamp;
    // The upstream record is not known here: no topic, partition or offset, no headers.
    this.#recordContext = { topic: null, partition: -1, offset: -1, timestamp, headers: new RecordHeaders() };
    try {
      const value = await transformed(this.#transformer, key, valueOrNull(entry));
      return value === null ? null : { value, timestamp };
    } finally {
      this.#recordContext = undefined;
    }
  }

  async close(): Promise<void> {
    await this.#parent.close?.();
    await this.#transformer.close?.();
  }
}
