// The record cache in front of a windowed store, what Kafka Streams' CachingWindowStore
// and CachingSessionStore share (caching-window-store.ts and caching-session-store.ts
// add only their key layouts): the store writes through to the bytes beneath at once
// (reads, scans and the changelog see every write, so a range fetch needs no merge with
// the cache), and the cache
// - answers reads of the rows written or read lately from memory, without a promise;
// - folds each window's or session's updates when a processor forwards through it: at
//   the task's commit, or when an eviction needs room, the flush forwards every dirty
//   entry's latest value, with the one downstream saw before.
// Without a flush listener its entries are clean: a read cache only.
import type { Serde, SerdeContext } from "../serdes/serde.js";
import type { CacheContext, FlushListener } from "./cached-store.js";
import { entrySize } from "./record-cache.js";
import type { CacheEntry, NamedCache, RecordCache } from "./record-cache.js";

export interface StoreCachingOptions<C> {
  readonly cache: RecordCache;
  /** `<taskId>-<store>`: the store's namespace in the cache. */
  readonly namespace: string;
  readonly context: CacheContext<C>;
}

/** The most forgotten entries kept for new rows' entries. */
const MAX_SPARE_ENTRIES = 4_096;

/** An entry made over for another row (its key is readonly to everyone else). */
type SpareEntry<S, C> = { -readonly [F in keyof CacheEntry<S, C>]: CacheEntry<S, C>[F] };

/** What oldFor() answers when only a read of the store beneath can tell. */
export const NEEDS_READ: unique symbol = Symbol("eddy:needs-read");

/**
 * K: the key the flush forwards; S: the key an entry keeps, when a store keeps less than
 * K (a window store keeps the record key, the window is in the cache key's bytes) and
 * makes K at the flush with `keyOf`.
 */
export class CacheForwarding<K, V, C, S = K> {
  readonly #cache: NamedCache<S, C>;
  readonly #context: CacheContext<C>;
  readonly #valueSerde: Serde<V>;
  readonly #valueContext: SerdeContext;
  readonly #keyOf: ((entry: CacheEntry<S, C>) => K) | undefined;
  #listener: FlushListener<K, V, C> | undefined;
  #sendOldValues = false;
  /**
   * Entries of rows forgotten (an expired segment's windows), made over for new rows: a
   * windowed aggregation makes a window per record and forgets as many, and an entry lives
   * long enough to be copied by the young generation's collections and promoted.
   */
  readonly #spare: SpareEntry<S, C>[] = [];

  constructor(
    options: StoreCachingOptions<C>,
    valueSerde: Serde<V>,
    valueContext: SerdeContext,
    keyOf?: (entry: CacheEntry<S, C>) => K,
  ) {
    this.#context = options.context;
    this.#valueSerde = valueSerde;
    this.#valueContext = valueContext;
    this.#keyOf = keyOf;
    this.#cache = options.cache.namespace<S, C>(options.namespace, (entries) => this.#forward(entries));
  }

  /** Entries cached (for tests and metrics). */
  get size(): number {
    return this.#cache.size;
  }

  setFlushListener(listener: FlushListener<K, V, C>, sendOldValues: boolean): boolean {
    this.#listener = listener;
    this.#sendOldValues = sendOldValues;
    return true;
  }

  flush(): Promise<void> {
    return this.#cache.flush();
  }

  close(): void {
    this.#spare.length = 0;
    this.#cache.close();
  }

  /** The row's value bytes as cached (null: absent), made the most recently used; undefined when not cached. */
  cached(cacheKey: string): Buffer | null | undefined {
    return this.#cache.get(cacheKey)?.value;
  }

  /** Forgets the entry of a row the store beneath no longer holds, unless the next flush must forward it. */
  forgetClean(cacheKey: string): void {
    const forgotten = this.#cache.removeClean(cacheKey);
    if (forgotten !== undefined && this.#spare.length < MAX_SPARE_ENTRIES) {
      const spare = forgotten as SpareEntry<S, C>;
      spare.value = null;
      spare.old = undefined;
      this.#spare.push(spare);
    }
  }

  /**
   * The value downstream saw last, for the entry a write of `valueBytes` makes: known
   * from the cache, or not needed (no old values asked for and not a delete), or absent
   * since the store does not hold the row (`held` false, as its index knows); else
   * NEEDS_READ from the store beneath.
   */
  oldFor(
    cacheKey: string,
    valueBytes: Buffer | null,
    held: boolean | undefined,
  ): Buffer | null | undefined | typeof NEEDS_READ {
    const previous = this.#cache.peek(cacheKey);
    if (previous !== undefined) return previous.dirty ? previous.old : previous.value;
    if (this.#listener === undefined || !(this.#sendOldValues || valueBytes === null)) return undefined;
    return held === false ? null : NEEDS_READ;
  }

  /** oldFor() of a row neither the cache nor the store beneath holds. */
  oldForNew(valueBytes: Buffer | null): null | undefined {
    return this.#listener === undefined || !(this.#sendOldValues || valueBytes === null) ? undefined : null;
  }

  /** record() of a row the cache does not hold: no look-up for the entry it would replace. */
  recordNew(
    cacheKey: string,
    key: S,
    valueBytes: Buffer | null,
    old: Buffer | null | undefined,
  ): Promise<void> | undefined {
    const dirty = this.#listener !== undefined;
    const kept = dirty ? old : valueBytes;
    const context = dirty ? this.#context.recordContext() : undefined;
    const size = entrySize(cacheKey, valueBytes, kept);
    const spare = this.#spare.pop();
    if (spare === undefined) {
      return this.#cache.add({ cacheKey, key, value: valueBytes, dirty, old: kept, context, size });
    }
    spare.cacheKey = cacheKey;
    spare.key = key;
    spare.value = valueBytes;
    spare.dirty = dirty;
    spare.old = kept;
    spare.context = context;
    spare.size = size;
    return this.#cache.add(spare);
  }

  /**
   * Caches a write made to the store beneath: dirty (forwarded at the next flush) when a
   * processor forwards through the cache, else clean. A promise only when an eviction
   * had to flush.
   */
  record(
    cacheKey: string,
    key: S,
    valueBytes: Buffer | null,
    old: Buffer | null | undefined,
  ): Promise<void> | undefined {
    const dirty = this.#listener !== undefined;
    const kept = dirty ? old : valueBytes;
    const context = dirty ? this.#context.recordContext() : undefined;
    const size = entrySize(cacheKey, valueBytes, kept);
    // A cached row's entry is rewritten in place: no new object lives until it is evicted.
    const previous = this.#cache.peek(cacheKey);
    if (previous !== undefined) return this.#cache.rewrite(previous, key, valueBytes, dirty, kept, context, size);
    return this.#cache.put({ cacheKey, key, value: valueBytes, dirty, old: kept, context, size });
  }

  /**
   * The asynchronous write: reads the old value when needed (`stored`), writes through
   * (`write`, which may drop the write: false), then caches the write.
   */
  async write(
    cacheKey: string,
    key: S,
    valueBytes: Buffer | null,
    held: boolean | undefined,
    stored: () => Promise<Buffer | undefined>,
    write: () => Promise<boolean>,
  ): Promise<boolean> {
    let old = this.oldFor(cacheKey, valueBytes, held);
    if (old === NEEDS_READ) old = (await stored()) ?? null;
    if (!(await write())) return false;
    await this.record(cacheKey, key, valueBytes, old);
    return true;
  }

  /** The flush: each entry's latest value downstream, with the one downstream saw before (when asked for). */
  async #forward(entries: CacheEntry<S, C>[]): Promise<void> {
    const listener = this.#listener;
    if (listener === undefined) return;
    const keyOf = this.#keyOf;
    for (const entry of entries) {
      const old = entry.old ?? null;
      // Made and removed between two flushes: downstream never saw it.
      if (entry.value === null && old === null) continue;
      const newValue = entry.value === null ? null : this.#valueSerde.deserialize(entry.value, this.#valueContext);
      const oldValue =
        this.#sendOldValues && old !== null ? this.#valueSerde.deserialize(old, this.#valueContext) : null;
      const pending = this.#context.runInContext(entry.context as C, () =>
        listener({
          key: keyOf === undefined ? (entry.key as unknown as K) : keyOf(entry),
          newValue,
          oldValue,
          context: entry.context as C,
        }),
      );
      if (pending !== undefined) await pending;
    }
  }
}
