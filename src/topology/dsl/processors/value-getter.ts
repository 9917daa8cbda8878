// Reading a KTable's current value for a key from inside another processor (a join, a
// derived table): Kafka Streams' KTableValueGetter. A materialized table answers from
// its store; a filter or mapValues without a store answers by asking its parent and
// applying itself, so joins work on tables that were never materialized.
import type { ProcessorContext } from "../../processor.js";

export interface ValueGetter<K, V> {
  init(context: ProcessorContext<unknown, unknown>): void;
  /** The value, or null when the table has no row for the key. */
  get(key: K): Promise<V | null>;
}

export interface ValueGetterSupplier<K, V> {
  /** The stores a processor must be connected to in order to use the getter. */
  readonly storeNames: readonly string[];
  get(): ValueGetter<K, V>;
}

export function storeValueGetterSupplier<K, V>(storeName: string): ValueGetterSupplier<K, V> {
  return {
    storeNames: [storeName],
    get(): ValueGetter<K, V> {
      let store: { get(key: K): Promise<V | undefined> } | undefined;
      return {
        init(context) {
          store = context.getStateStore<K, V>(storeName);
        },
        async get(key) {
          if (store === undefined) throw new Error(`The value getter of store "${storeName}" was used before init()`);
          return (await store.get(key)) ?? null;
        },
      };
    },
  };
}

/** A getter that applies `apply` to what the parent getter returns (filter, mapValues). */
export function derivedValueGetterSupplier<K, V, VR>(
  parent: ValueGetterSupplier<K, V>,
  apply: (key: K, value: V) => VR | null,
): ValueGetterSupplier<K, VR> {
  return {
    storeNames: parent.storeNames,
    get(): ValueGetter<K, VR> {
      const getter = parent.get();
      return {
        init(context) {
          getter.init(context);
        },
        async get(key) {
          const value = await getter.get(key);
          return value === null ? null : apply(key, value);
        },
      };
    },
  };
}
