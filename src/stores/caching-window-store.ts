// A task's window store with the record cache in front (Kafka Streams' CachingWindowStore),
// for its one writer, the windowed aggregation (cache-forwarding.ts does the caching):
// a read of one window is answered from the cache, or as absent when the store's row
// index knows it holds no such row (most records open a new window), and only otherwise
// from the store beneath; peek() and putNow() do both without a promise when they can,
// for the aggregation's hot path. Each window's updates fold until the flush, which
// forwards them keyed by { key, window }.
import type { Serde, SerdeContext } from "../serdes/serde.js";
import { storeSerdeContext } from "./store-serde-context.js";
import type { Windowed } from "../serdes/windowed.js";
import { CacheForwarding, NEEDS_READ } from "./cache-forwarding.js";
import type { StoreCachingOptions } from "./cache-forwarding.js";
import type { CachedStore, FlushListener } from "./cached-store.js";
import type { KeyValue, KeyValueBytesStore } from "./key-value-store.js";
import type { CacheEntry } from "./record-cache.js";
import { windowStartOfRow } from "./window-key-schema.js";
import { TypedWindowStore } from "./window-store.js";
import type { WindowStoreOptions } from "./window-store.js";

export type WindowCachingOptions<C> = StoreCachingOptions<C>;

/** What peek() answers when only an (asynchronous) fetch() can tell. */
export const WINDOW_NOT_CACHED: unique symbol = Symbol("eddy:window-not-cached");

export class CachingWindowStore<K, V, C = unknown>
  extends TypedWindowStore<K, V>
  implements CachedStore<Windowed<K>, V, C>
{
  // Entries keep the record key: the window is in the row's bytes, made into one at the flush.
  readonly #caching: CacheForwarding<Windowed<K>, V, C, K>;
  readonly #valueContext: SerdeContext;
  // The last row asked for: an aggregation peeks, then puts, the same window.
  #lastKey: K | undefined;
  #lastStart = Number.NaN;
  #lastStoreKey: Buffer | undefined;
  #lastRow = "";
  /**
   * Whether the cache may hold a deleted window (a null entry). Until then it holds only
   * windows the store holds, so a window the row index does not know is in neither: no
   * cache look-up for it (a windowed aggregation deletes none).
   */
  #deletesCached = false;

  constructor(
    bytes: KeyValueBytesStore,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
    options: WindowStoreOptions,
    caching: WindowCachingOptions<C>,
  ) {
    super(bytes, keySerde, valueSerde, options);
    this.#valueContext = storeSerdeContext(bytes.name, "value", options.topic);
    this.#caching = new CacheForwarding<Windowed<K>, V, C, K>(caching, valueSerde, this.#valueContext, (entry) =>
      this.#windowed(entry),
    );
  }

  /** Windows cached (for tests and metrics). */
  get cachedWindows(): number {
    return this.#caching.size;
  }

  setFlushListener(listener: FlushListener<Windowed<K>, V, C>, sendOldValues: boolean): boolean {
    return this.#caching.setFlushListener(listener, sendOldValues);
  }

  flushCache(): Promise<void> {
    return this.#caching.flush();
  }

  closeCache(): void {
    this.#caching.close();
  }

  /**
   * fetch(key, windowStart) without the promise: the value (undefined when the store
   * holds no such window) when the cache or the row index can tell, WINDOW_NOT_CACHED
   * otherwise. Throws what the serdes throw.
   */
  peek(key: K, windowStart: number): V | undefined | typeof WINDOW_NOT_CACHED {
    if (windowStart < this.minLiveTime) return undefined;
    const row = this.#rowOf(key, windowStart);
    const held = this.holdsRow(row, windowStart);
    if (held === false && !this.#deletesCached) return undefined;
    const cached = this.#caching.cached(row);
    if (cached !== undefined)
      return cached === null ? undefined : this.valueSerde.deserialize(cached, this.#valueContext);
    return held === false ? undefined : WINDOW_NOT_CACHED;
  }

  override fetch(key: K, windowStart: number): Promise<V | undefined>;
  override fetch(key: K, timeFrom: number, timeTo: number): AsyncIterableIterator<KeyValue<number, V>>;
  override fetch(
    key: K,
    from: number,
    to?: number,
  ): Promise<V | undefined> | AsyncIterableIterator<KeyValue<number, V>> {
    // The store beneath holds every write: a range needs nothing from the cache.
    if (to !== undefined) return super.fetch(key, from, to);
    let value: V | undefined | typeof WINDOW_NOT_CACHED;
    try {
      value = this.peek(key, from);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    if (value !== WINDOW_NOT_CACHED) return Promise.resolve(value);
    return this.readRow(this.#lastStoreKey as Buffer, this.#lastRow, from);
  }

  /**
   * put() done before it returns, when it can be: the window is live, the bytes beneath
   * are the task's overlay, and the value downstream saw last is known without a read.
   * True when written; a promise when written and an eviction is flushing (wait for it
   * before the next record); false when only put() can do it. Throws what the serdes or
   * the overlay throw.
   */
  putNow(key: K, value: V | null, windowStart: number): boolean | Promise<void> {
    if (!this.accepts(windowStart)) return false;
    const row = this.#rowOf(key, windowStart);
    const storeKey = this.#lastStoreKey as Buffer;
    const valueBytes = this.#valueBytes(value);
    const held = this.holdsRow(row, windowStart);
    // A new window (most records open one): the cache holds no entry for it either.
    const fresh = held === false && !this.#deletesCached && valueBytes !== null;
    const old = fresh ? this.#caching.oldForNew(valueBytes) : this.#caching.oldFor(row, valueBytes, held);
    if (old === NEEDS_READ || !this.writeRowNow(storeKey, row, valueBytes, windowStart)) return false;
    if (valueBytes === null) this.#deletesCached = true;
    if (fresh) return this.#caching.recordNew(row, key, valueBytes, old) ?? true;
    return this.#caching.record(row, key, valueBytes, old) ?? true;
  }

  override async put(key: K, value: V | null, windowStart: number): Promise<boolean> {
    const now = this.putNow(key, value, windowStart);
    if (now !== false) {
      if (now !== true) await now;
      return true;
    }
    // A write into an expired segment is dropped by the store, and not cached.
    if (!this.accepts(windowStart)) return super.put(key, value, windowStart);
    const row = this.#rowOf(key, windowStart);
    const storeKey = this.#lastStoreKey as Buffer;
    const valueBytes = this.#valueBytes(value);
    if (valueBytes === null) this.#deletesCached = true;
    return this.#caching.write(
      row,
      key,
      valueBytes,
      this.holdsRow(row, windowStart),
      () => this.bytes.get(storeKey),
      () => this.writeRow(storeKey, valueBytes, windowStart),
    );
  }

  /**
   * An expired segment's windows leave the cache with their rows (no read sees them
   * again): otherwise they would fill it until evicted, and every new window would evict
   * one. A dirty one stays until the flush forwards it.
   */
  protected override dropped(rows: readonly string[]): void {
    for (const row of rows) this.#caching.forgetClean(row);
  }

  /** The row's key in the cache (its store key as latin1); the store key stays in #lastStoreKey. */
  #rowOf(key: K, windowStart: number): string {
    // Only a primitive key is remembered: an object may change between two records.
    const same = this.#lastStoreKey !== undefined && key === this.#lastKey && windowStart === this.#lastStart;
    if (!same || typeof key === "object") {
      const storeKey = this.storeKeyOf(key, windowStart, 0);
      this.#lastStoreKey = storeKey;
      this.#lastRow = storeKey.toString("latin1");
      this.#lastKey = key;
      this.#lastStart = windowStart;
    }
    return this.#lastRow;
  }

  #valueBytes(value: V | null): Buffer | null {
    return value === null || value === undefined ? null : this.valueSerde.serialize(value, this.#valueContext);
  }

  /** A flushed entry's key: its record key and the window its row starts. */
  #windowed(entry: CacheEntry<K, C>): Windowed<K> {
    const start = windowStartOfRow(entry.cacheKey);
    return { key: entry.key, window: { start, end: Math.min(start + this.windowSizeMs, Number.MAX_SAFE_INTEGER) } };
  }
}
