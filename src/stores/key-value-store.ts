// The state store contracts. Stores are layered as in Kafka Streams: an ordered bytes
// store at the bottom (in-memory or LevelDB), typed stores on top that apply serdes,
// and between them the per-task transactional overlay (task-overlay.ts) and, in the
// runtime, change logging.
// All iteration is in serialized-key order (unsigned byte-wise), whatever the typed key.

export interface KeyValue<K, V> {
  key: K;
  value: V;
}

/** Bounds of a range scan. Both bounds are inclusive, as in Kafka Streams' range(from, to); a missing bound is open. */
export interface RangeOptions<K> {
  from?: K;
  to?: K;
}

/** What interactive queries may do: reads only. */
export interface ReadOnlyKeyValueStore<K, V> {
  readonly name: string;
  get(key: K): Promise<V | undefined>;
  range(from?: K, to?: K): AsyncIterableIterator<KeyValue<K, V>>;
  reverseRange(from?: K, to?: K): AsyncIterableIterator<KeyValue<K, V>>;
  /** Every entry whose serialized key starts with the serialized prefix. */
  prefixScan(prefix: K): AsyncIterableIterator<KeyValue<K, V>>;
  all(): AsyncIterableIterator<KeyValue<K, V>>;
  approximateNumEntries(): Promise<number>;
  /**
   * True when every layer beneath can read a key without a promise (the committed bytes
   * are in memory, or a synchronous LevelDB read): then getNow() may be called.
   */
  readonly readsNow?: boolean;
  /** get() answered at once; only where readsNow is true (interactive queries' point lookups). */
  getNow?(key: K): V | undefined;
  /** The version of what the store beneath holds (see KeyValueBytesStore.version); undefined where unknown. */
  readonly version?: number;
}

export interface KeyValueStore<K, V> extends ReadOnlyKeyValueStore<K, V> {
  put(key: K, value: V): Promise<void>;
  /** Writes only when the key is absent; returns the existing value, or undefined if it wrote. */
  putIfAbsent(key: K, value: V): Promise<V | undefined>;
  putAll(entries: Iterable<KeyValue<K, V>>): Promise<void>;
  /** Removes the key; returns the value it had. */
  delete(key: K): Promise<V | undefined>;
}

/** The bottom layer: ordered bytes. `undefined` means absent. */
export interface KeyValueBytesStore {
  readonly name: string;
  get(key: Buffer): Promise<Buffer | undefined>;
  /** get() answered at once, where the store can (memory, LevelDB's synchronous read); absent where it cannot. */
  getNow?(key: Buffer): Buffer | undefined;
  /**
   * Changes whenever what the store holds may have changed (a write, a commit, a restore,
   * closing it: -1 once closed), so that what was read at one version is still what a
   * read would answer while the version stays. Absent where the store does not keep one.
   */
  readonly version?: number;
  put(key: Buffer, value: Buffer): Promise<void>;
  delete(key: Buffer): Promise<void>;
  /** Applies puts (value Buffer) and deletes (value null) atomically. */
  write(batch: Iterable<[Buffer, Buffer | null]>): Promise<void>;
  /** Ordered iteration; bounds inclusive; `reverse` walks from the high end. */
  iterate(options: BytesRange): AsyncIterableIterator<[Buffer, Buffer]>;
  approximateNumEntries(): Promise<number>;
}

export interface BytesRange {
  gte?: Buffer;
  lte?: Buffer;
  /** Exclusive bounds (a prefix scan's end is exclusive); each takes precedence over its inclusive twin. */
  gt?: Buffer;
  lt?: Buffer;
  reverse?: boolean;
}
