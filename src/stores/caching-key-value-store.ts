// A task's typed store with a read cache in front, for the store's one writer: the
// task's processors. Every processor that reads an aggregate reads it for each record
// of its key; without the cache each read serializes the key, searches the overlay and
// asks LevelDB (a native call and a fresh key and value buffer). The cache keeps the
// serialized value (or its absence) of the keys read or written lately, keyed by the
// typed key itself, so a hot key costs one Map lookup and a deserialization.
//
// It is only correct where nothing else writes to the store beneath it: the runtime
// gives each task's executor one over the task's overlay (committed state plus the
// open transaction's writes), and drops both together when the transaction aborts.
// Only string keys are cached (immutable; other key types go through unchanged), and
// values are kept serialized, so every get() still hands out a fresh object. When the
// cache outgrows its budget it starts over empty.
import type { Serde } from "../serdes/serde.js";
import type { KeyValue, KeyValueBytesStore } from "./key-value-store.js";
import { OverlayBytesStore } from "./overlay-bytes-store.js";
import { TypedKeyValueStore } from "./typed-key-value-store.js";

/** What peek() answers when only an (asynchronous) get() can tell. */
export const NOT_CACHED: unique symbol = Symbol("eddy:not-cached");

/** Bytes of keys and values a cache holds before it starts over. */
export const DEFAULT_READ_CACHE_BYTES = 8 * 1024 * 1024;
/** What an entry costs besides its key and value (the Map slot, the string header). */
const ENTRY_OVERHEAD = 64;

export class CachingKeyValueStore<K, V> extends TypedKeyValueStore<K, V> {
  // A Buffer is the value's bytes; null means the key is absent.
  readonly #cache = new Map<string, Buffer | null>();
  readonly #budget: number;
  #bytes = 0;

  constructor(bytes: KeyValueBytesStore, keySerde: Serde<K>, valueSerde: Serde<V>, budget = DEFAULT_READ_CACHE_BYTES) {
    super(bytes, keySerde, valueSerde);
    this.#budget = budget;
  }

  /** Entries cached (for tests and metrics). */
  get cachedKeys(): number {
    return this.#cache.size;
  }

  override get(key: K): Promise<V | undefined> {
    if (typeof key !== "string") return super.get(key);
    const cached = this.#cache.get(key);
    if (cached === undefined) return this.#load(key);
    if (cached === null) return Promise.resolve(undefined);
    try {
      return Promise.resolve(this.valueSerde.deserialize(cached, this.valueContext));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /**
   * get() without the promise, for processors on a hot path: the value (undefined when
   * the key is absent) when the cache knows it, NOT_CACHED otherwise. Throws what the
   * value serde throws.
   */
  peek(key: K): V | undefined | typeof NOT_CACHED {
    if (typeof key !== "string") return NOT_CACHED;
    const cached = this.#cache.get(key);
    if (cached === undefined) return NOT_CACHED;
    return cached === null ? undefined : this.valueSerde.deserialize(cached, this.valueContext);
  }

  /**
   * put() done before it returns, when the store beneath writes to memory (the task's
   * overlay): true when written, false when only put() can do it. Throws what the
   * serdes or the overlay throw (a commit in progress, a closed store).
   */
  putNow(key: K, value: V): boolean {
    if (typeof key !== "string" || !(this.bytes instanceof OverlayBytesStore)) return false;
    const keyBytes = this.keySerde.serialize(key, this.keyContext);
    const valueBytes =
      value === null || value === undefined ? null : this.valueSerde.serialize(value, this.valueContext);
    this.bytes.writeNow(keyBytes, valueBytes);
    this.#remember(key, valueBytes);
    return true;
  }

  async #load(key: K & string): Promise<V | undefined> {
    const value = await this.bytes.get(this.keySerde.serialize(key, this.keyContext));
    this.#remember(key, value ?? null);
    return value === undefined ? undefined : this.valueSerde.deserialize(value, this.valueContext);
  }

  override async put(key: K, value: V): Promise<void> {
    if (this.putNow(key, value)) return;
    if (typeof key !== "string") return super.put(key, value);
    const keyBytes = this.keySerde.serialize(key, this.keyContext);
    // A write that fails leaves the store as it was, and the cache with it.
    if (value === null || value === undefined) {
      await this.bytes.delete(keyBytes);
      this.#remember(key, null);
      return;
    }
    const valueBytes = this.valueSerde.serialize(value, this.valueContext);
    await this.bytes.put(keyBytes, valueBytes);
    this.#remember(key, valueBytes);
  }

  override async putIfAbsent(key: K, value: V): Promise<V | undefined> {
    if (typeof key !== "string") return super.putIfAbsent(key, value);
    const existing = await this.get(key);
    if (existing !== undefined) return existing;
    if (value !== null && value !== undefined) await this.put(key, value);
    return undefined;
  }

  override async putAll(entries: Iterable<KeyValue<K, V>>): Promise<void> {
    const list = Array.isArray(entries) ? (entries as KeyValue<K, V>[]) : [...entries];
    await super.putAll(list);
    for (const { key } of list) if (typeof key === "string") this.#forget(key);
  }

  override async delete(key: K): Promise<V | undefined> {
    if (typeof key !== "string") return super.delete(key);
    const existing = await this.get(key);
    if (existing === undefined) return undefined;
    await this.bytes.delete(this.keySerde.serialize(key, this.keyContext));
    this.#remember(key, null);
    return existing;
  }

  #remember(key: string, value: Buffer | null): void {
    const previous = this.#cache.get(key);
    const cost = ENTRY_OVERHEAD + key.length * 2 + (value?.length ?? 0);
    let bytes =
      this.#bytes + cost - (previous === undefined ? 0 : ENTRY_OVERHEAD + key.length * 2 + (previous?.length ?? 0));
    if (bytes > this.#budget) {
      this.#cache.clear();
      bytes = cost;
    }
    this.#cache.set(key, value);
    this.#bytes = bytes;
  }

  #forget(key: string): void {
    const previous = this.#cache.get(key);
    if (previous === undefined) return;
    this.#cache.delete(key);
    this.#bytes -= ENTRY_OVERHEAD + key.length * 2 + (previous?.length ?? 0);
  }
}
