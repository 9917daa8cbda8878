// Reading a KTable's current value for a key from inside another processor (a join, a
// derived table): Kafka Streams' KTableValueGetter. A materialized table answers from
// its store; a filter or mapValues without a store answers by asking its parent and
// applying itself, so joins work on tables that were never materialized. The answer
// carries the row's timestamp, which joins use to stamp their results.
import type { ProcessorContext } from "../../processor.js";
import type { KeyValueStore } from "../../../stores/key-value-store.js";
import type { ValueAndTimestamp } from "../../../stores/value-and-timestamp.js";
import type { VersionedKeyValueStore, VersionedRecord } from "../../../stores/versioned-key-value-store.js";

export interface ValueGetter<K, V> {
  init(context: ProcessorContext<unknown, unknown>): void;
  /** The value and its timestamp, or null when the table has no row for the key. */
  get(key: K): Promise<ValueAndTimestamp<V> | null>;
  /**
   * The value the key had at `asOfTimestamp`, for a getter over a versioned table (Kafka
   * Streams' KTableValueGetter.get(key, asOfTimestamp)); absent when the table keeps no history.
   */
  getAsOf?(key: K, asOfTimestamp: number): Promise<ValueAndTimestamp<V> | null>;
  /** Releases what the getter holds (a transformValues() getter closes its transformer). */
  close?(): void | Promise<void>;
}

export interface ValueGetterSupplier<K, V> {
  /** The stores a processor must be connected to in order to use the getter. */
  readonly storeNames: readonly string[];
  /**
   * The getters read a versioned table, with this history retention: getAsOf() answers
   * (Kafka Streams' isVersioned()). Absent for a table without history.
   */
  readonly versioned?: { readonly historyRetentionMs: number };
  get(): ValueGetter<K, V>;
}

/** Reads a timestamped key-value store (every store the DSL materializes a table in). */
export function storeValueGetterSupplier<K, V>(storeName: string): ValueGetterSupplier<K, V> {
  return {
    storeNames: [storeName],
    get(): ValueGetter<K, V> {
      let store: KeyValueStore<K, ValueAndTimestamp<V>> | undefined;
      return {
        init(context) {
          store = context.getStateStore<K, ValueAndTimestamp<V>>(storeName);
        },
        async get(key) {
          if (store === undefined) throw new Error(`The value getter of store "${storeName}" was used before init()`);
          return (await store.get(key)) ?? null;
        },
      };
    },
  };
}

/** Reads a versioned store: the latest version, or the version valid at a time. */
export function versionedValueGetterSupplier<K, V>(
  storeName: string,
  historyRetentionMs: number,
): ValueGetterSupplier<K, V> {
  return {
    storeNames: [storeName],
    versioned: { historyRetentionMs },
    get(): ValueGetter<K, V> {
      let store: VersionedKeyValueStore<K, V> | undefined;
      const opened = (): VersionedKeyValueStore<K, V> => {
        if (store === undefined) throw new Error(`The value getter of store "${storeName}" was used before init()`);
        return store;
      };
      const entry = (found: VersionedRecord<V> | null): ValueAndTimestamp<V> | null =>
        found === null ? null : { value: found.value, timestamp: found.timestamp };
      return {
        init(context) {
          store = context.getStateStore(storeName) as unknown as VersionedKeyValueStore<K, V>;
        },
        async get(key) {
          return entry(await opened().get(key));
        },
        async getAsOf(key, asOfTimestamp) {
          return entry(await opened().get(key, asOfTimestamp));
        },
      };
    },
  };
}

/** A getter that applies `apply` to what the parent getter returns (filter, mapValues); the timestamp stays. */
export function derivedValueGetterSupplier<K, V, VR>(
  parent: ValueGetterSupplier<K, V>,
  apply: (key: K, value: V) => VR | null,
): ValueGetterSupplier<K, VR> {
  const applied = (key: K, entry: ValueAndTimestamp<V> | null): ValueAndTimestamp<VR> | null => {
    if (entry === null) return null;
    const value = apply(key, entry.value);
    return value === null || value === undefined ? null : { value, timestamp: entry.timestamp };
  };
  return {
    storeNames: parent.storeNames,
    ...(parent.versioned === undefined ? {} : { versioned: parent.versioned }),
    get(): ValueGetter<K, VR> {
      const getter = parent.get();
      const asOf = getter.getAsOf?.bind(getter);
      return {
        init(context) {
          getter.init(context);
        },
        async get(key) {
          return applied(key, await getter.get(key));
        },
        ...(asOf === undefined
          ? {}
          : { getAsOf: async (key: K, asOfTimestamp: number) => applied(key, await asOf(key, asOfTimestamp)) }),
        close: () => getter.close?.(),
      };
    },
  };
}
