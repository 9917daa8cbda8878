// A task's key-value store with the record cache in front (Kafka Streams'
// CachingKeyValueStore), for the store's one writer, the task's processors. The cache
// does two jobs:
// - reads: a key read or written lately is answered from memory, its value kept
//   serialized (every get() still hands out a fresh object), its absence remembered,
//   so a hot key costs one Map lookup and a deserialization, not an overlay search and
//   a LevelDB call;
// - writes: the store writes through to the bytes store beneath (the task's overlay,
//   so scans, the changelog and the commit see every write at once) and marks the key
//   dirty; with a flush listener (the DSL's tables and aggregates), updates of a key are
//   folded until the next flush, and only the latest goes downstream, with the value
//   downstream saw last, as Kafka Streams' record cache does.
//
// It is only correct where nothing else writes to the store beneath it: the runtime
// gives each task's executor one over the task's overlay and drops both together when
// the transaction aborts. String keys are the cache's keys as they are; other keys by
// their bytes.
import type { Serde, SerdeContext } from "../serdes/serde.js";
import { rememberSerialized } from "../serdes/remembered-bytes.js";
import type { CacheContext, CachedStore, FlushListener } from "./cached-store.js";
import type { KeyValue, KeyValueBytesStore } from "./key-value-store.js";
import { OverlayBytesStore } from "./overlay-bytes-store.js";
import { entrySize } from "./record-cache.js";
import type { CacheEntry, NamedCache, RecordCache } from "./record-cache.js";
import { TypedKeyValueStore } from "./typed-key-value-store.js";
import { reserializeInPlace } from "./value-and-timestamp.js";

/**
 * A cache entry of this store: `decoded` is what its value decodes to, when the write that
 * made it handed over an object that is never changed after (putNow(..., true)); `row` the
 * key's bytes as latin1, once a putNow() made it, the overlay's hash key for its writes.
 */
type Entry<K, V, C> = CacheEntry<K, C> & { decoded?: V | undefined; row?: string | undefined };

/** What peek() answers when only an (asynchronous) get() can tell. */
export const NOT_CACHED: unique symbol = Symbol("eddy:not-cached");

/**
 * The cache's key for a typed key: the string itself, else (and for strings that could be
 * mistaken for bytes) its bytes, from `bytes` when the caller has them or `serde`.
 */
export function cacheKeyOf<K>(key: K, serde: Serde<K>, context: SerdeContext, bytes?: Buffer): string {
  if (typeof key === "string" && key.charCodeAt(0) !== 1) return key;
  return "\u0001" + (bytes ?? serde.serialize(key, context)).toString("latin1");
}

export interface CachingOptions<C> {
  readonly cache: RecordCache;
  /** `<taskId>-<store>`: the store's namespace in the cache. */
  readonly namespace: string;
  readonly context: CacheContext<C>;
  /**
   * The store is cached in Kafka Streams' sense (its processor forwards through the
   * flush); false: the cache only answers reads, and setFlushListener() declines, so the
   * processor forwards every update (a store with `caching: false`).
   */
  readonly forwarding: boolean;
  /** The topic the serdes are told (src/topology/store-serde-topic.ts). */
  readonly topic?: string;
}

export class CachingKeyValueStore<K, V, C = unknown> extends TypedKeyValueStore<K, V> implements CachedStore<K, V, C> {
  readonly #cache: NamedCache<K, C>;
  readonly #context: CacheContext<C>;
  readonly #forwarding: boolean;
  #listener: FlushListener<K, V, C> | undefined;
  #sendOldValues = false;

  constructor(bytes: KeyValueBytesStore, keySerde: Serde<K>, valueSerde: Serde<V>, options: CachingOptions<C>) {
    super(bytes, keySerde, valueSerde, options.topic);
    this.#context = options.context;
    this.#forwarding = options.forwarding;
    this.#cache = options.cache.namespace<K, C>(options.namespace, (entries) => this.#forward(entries));
  }

  /** Entries cached (for tests and metrics). */
  get cachedKeys(): number {
    return this.#cache.size;
  }

  setFlushListener(listener: FlushListener<K, V, C>, sendOldValues: boolean): boolean {
    if (!this.#forwarding) return false;
    this.#listener = listener;
    this.#sendOldValues = sendOldValues;
    return true;
  }

  flushCache(): Promise<void> {
    return this.#cache.flush();
  }

  closeCache(): void {
    this.#cache.close();
  }

  override get(key: K): Promise<V | undefined> {
    const cacheKey = cacheKeyOf(key, this.keySerde, this.keyContext);
    const entry = this.#cache.get(cacheKey);
    if (entry === undefined) return this.#load(key, cacheKey);
    if (entry.value === null) return Promise.resolve(undefined);
    try {
      return Promise.resolve(this.valueSerde.deserialize(entry.value, this.valueContext));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /** Reads go through the cache (and the overlay beneath): peek() is this store's read without a promise. */
  override get readsNow(): boolean {
    return false;
  }

  /** The cache holds writes the store beneath's version does not count. */
  override get version(): number | undefined {
    return undefined;
  }

  override getNow(_key: K): V | undefined {
    throw new TypeError(`Store "${this.name}" reads through its cache: use peek()`);
  }

  /**
   * get() without the promise, for processors on a hot path: the value (undefined when
   * the key is absent) when the cache knows it, NOT_CACHED otherwise. Throws what the
   * value serde throws.
   */
  peek(key: K): V | undefined | typeof NOT_CACHED {
    const cacheKey = cacheKeyOf(key, this.keySerde, this.keyContext);
    const entry = this.#cache.get(cacheKey);
    if (entry === undefined) return NOT_CACHED;
    return entry.value === null ? undefined : this.valueSerde.deserialize(entry.value, this.valueContext);
  }

  /**
   * peek() for a caller that neither changes nor keeps what it is given (the DSL's
   * aggregate): the object the key's last putNow(..., true) handed over, when there is
   * one, so that a hot key is not deserialized again for every record.
   */
  peekShared(key: K): V | undefined | typeof NOT_CACHED {
    const entry = this.#cache.get(cacheKeyOf(key, this.keySerde, this.keyContext)) as Entry<K, V, C> | undefined;
    if (entry === undefined) return NOT_CACHED;
    if (entry.value === null) return undefined;
    return entry.decoded ?? this.valueSerde.deserialize(entry.value, this.valueContext);
  }

  /**
   * put() done before it returns, when it can be: the store beneath writes to memory
   * (the task's overlay), what the flush will need is known, and the cache has room
   * without evicting. True when written; false when only put() can do it. Throws what the
   * serdes or the overlay throw (a commit in progress, a closed store). `shared`: the
   * caller never changes `value` after, and peekShared() may hand it out.
   */
  putNow(key: K, value: V, shared = false): boolean {
    if (!(this.bytes instanceof OverlayBytesStore)) return false;
    // A string key is its own cache key: its entry, when cached, has its bytes already.
    const stringKey = typeof key === "string" && key.charCodeAt(0) !== 1;
    let previous = stringKey ? this.#cache.peek(key as string) : undefined;
    const keyBytes = previous?.keyBytes ?? this.#keyBytes(key);
    const cacheKey = stringKey ? (key as string) : cacheKeyOf(key, this.keySerde, this.keyContext, keyBytes);
    if (!stringKey) previous = this.#cache.peek(cacheKey);
    const valueBytes = value === null || value === undefined ? null : this.#valueBytes(previous, value);
    const old = this.#oldFor(previous, valueBytes);
    if (old === NEEDS_READ) return false;
    if (previous === undefined) {
      const entry = this.#entry(key, cacheKey, keyBytes, valueBytes, old, shared ? value : undefined);
      if (!this.#cache.fits(previous, entry.size)) return false;
      const row = keyBytes.toString("latin1");
      entry.row = row;
      this.bytes.writeNow(keyBytes, valueBytes, row);
      void this.#cache.put(entry);
      return true;
    }
    // The key's entry is rewritten in place, as the entry #entry() would make (a string key
    // is the cached one already, so that the new one need not outlive this record).
    const dirty = this.#listener !== undefined;
    const kept = dirty ? old : valueBytes;
    const size = entrySize(cacheKey, valueBytes, kept);
    if (!this.#cache.fits(previous, size)) return false;
    const entry = previous as Entry<K, V, C>;
    this.bytes.writeNow(keyBytes, valueBytes, (entry.row ??= keyBytes.toString("latin1")));
    void this.#cache.rewrite(
      previous,
      typeof key === "string" ? previous.key : key,
      valueBytes,
      dirty,
      kept,
      // The entry's own context while it is dirty (a flush takes it away): rewritten in place.
      dirty ? this.#context.recordContext(previous.dirty ? previous.context : undefined) : undefined,
      size,
    );
    entry.decoded = shared && valueBytes !== null ? value : undefined;
    return true;
  }

  override async put(key: K, value: V): Promise<void> {
    if (this.putNow(key, value)) return;
    const keyBytes = this.#keyBytes(key);
    const cacheKey = cacheKeyOf(key, this.keySerde, this.keyContext, keyBytes);
    const valueBytes =
      value === null || value === undefined ? null : this.valueSerde.serialize(value, this.valueContext);
    let old = this.#oldFor(this.#cache.peek(cacheKey), valueBytes);
    if (old === NEEDS_READ) old = (await this.bytes.get(keyBytes)) ?? null;
    // A write that fails leaves the store as it was, and the cache with it.
    if (valueBytes === null) await this.bytes.delete(keyBytes);
    else await this.bytes.put(keyBytes, valueBytes);
    await this.#cache.put(this.#entry(key, cacheKey, keyBytes, valueBytes, old, undefined));
  }

  override async putIfAbsent(key: K, value: V): Promise<V | undefined> {
    const existing = await this.get(key);
    if (existing !== undefined) return existing;
    if (value !== null && value !== undefined) await this.put(key, value);
    return undefined;
  }

  override async putAll(entries: Iterable<KeyValue<K, V>>): Promise<void> {
    for (const { key, value } of entries) await this.put(key, value);
  }

  /** As Kafka Streams' delete: a null put (dirty, so the delete goes downstream), returning the value it had. */
  override async delete(key: K): Promise<V | undefined> {
    const existing = await this.get(key);
    await this.put(key, null as V);
    return existing;
  }

  async #load(key: K, cacheKey: string): Promise<V | undefined> {
    const keyBytes = this.#keyBytes(key);
    const value = (await this.bytes.get(keyBytes)) ?? null;
    // A write may have cached the key while the read was in flight: it is newer.
    const entry = this.#cache.peek(cacheKey);
    if (entry !== undefined) {
      return entry.value === null ? undefined : this.valueSerde.deserialize(entry.value, this.valueContext);
    }
    const loaded: Entry<K, V, C> = {
      cacheKey,
      key,
      keyBytes,
      value,
      dirty: false,
      old: value,
      context: undefined,
      size: entrySize(cacheKey, value, value),
      decoded: undefined,
      row: undefined,
    };
    await this.#cache.put(loaded);
    return value === null ? undefined : this.valueSerde.deserialize(value, this.valueContext);
  }

  /**
   * The value downstream saw last, for the entry a write makes: known from the cache,
   * or not needed (no listener, or neither old values nor deletes to check), or
   * NEEDS_READ from the store beneath.
   */
  #oldFor(
    previous: CacheEntry<K, C> | undefined,
    valueBytes: Buffer | null,
  ): Buffer | null | undefined | typeof NEEDS_READ {
    if (previous !== undefined) return previous.dirty ? previous.old : previous.value;
    if (this.#listener === undefined) return undefined;
    return this.#sendOldValues || valueBytes === null ? NEEDS_READ : undefined;
  }

  #entry(
    key: K,
    cacheKey: string,
    keyBytes: Buffer,
    value: Buffer | null,
    old: Buffer | null | undefined,
    decoded: V | undefined,
  ): Entry<K, V, C> {
    // Without a listener nothing is forwarded: the entry is a clean read cache entry.
    const dirty = this.#listener !== undefined;
    return {
      cacheKey,
      key,
      keyBytes,
      value,
      dirty,
      old: dirty ? old : value,
      context: dirty ? this.#context.recordContext() : undefined,
      size: entrySize(cacheKey, value, dirty ? old : value),
      decoded: value === null ? undefined : decoded,
      row: undefined,
    };
  }

  /**
   * `value`'s bytes for putNow(): written over the key's last ones when only this store holds
   * those (written since the last flush, and neither read nor sealed by the overlay since), so
   * that a hot key's writes allocate nothing; else new ones.
   */
  #valueBytes(previous: Entry<K, V, C> | undefined, value: V): Buffer {
    const bytes = previous?.value;
    if (
      bytes !== null &&
      bytes !== undefined &&
      previous?.dirty === true &&
      bytes !== previous.old &&
      previous.row !== undefined &&
      (this.bytes as OverlayBytesStore).holdsUnread(previous.row, bytes) &&
      reserializeInPlace(this.valueSerde, value, bytes)
    ) {
      return bytes;
    }
    return this.valueSerde.serialize(value, this.valueContext);
  }

  #keyBytes(key: K): Buffer {
    return this.keySerde.serialize(key, this.keyContext);
  }

  /** The flush: each key's latest value downstream, with the one downstream saw before (when asked for). */
  async #forward(entries: CacheEntry<K, C>[]): Promise<void> {
    const listener = this.#listener;
    if (listener === undefined) return;
    for (const entry of entries) {
      const old = entry.old ?? null;
      // Nothing was there and nothing is: Kafka Streams forwards nothing either.
      if (entry.value === null && old === null) continue;
      // What a shared write handed over goes to the listener (the DSL's, which only reads it) as it is.
      const newValue =
        entry.value === null
          ? null
          : ((entry as Entry<K, V, C>).decoded ?? this.valueSerde.deserialize(entry.value, this.valueContext));
      const oldValue = this.#sendOldValues && old !== null ? this.valueSerde.deserialize(old, this.valueContext) : null;
      // A sink downstream with this store's key serde takes the key's bytes as they are.
      if (entry.keyBytes !== undefined) rememberSerialized(this.keySerde, entry.key, entry.keyBytes);
      const pending = this.#context.runInContext(entry.context as C, () =>
        listener({ key: entry.key, newValue, oldValue, context: entry.context as C }),
      );
      if (pending !== undefined) await pending;
    }
  }
}

const NEEDS_READ: unique symbol = Symbol("eddy:needs-read");
