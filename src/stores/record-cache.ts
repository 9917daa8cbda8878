// The record cache, as Kafka Streams' ThreadCache and NamedCache: one budget
// (cacheMaxBytes, statestore.cache.max.bytes) shared by every cached store of an
// instance's tasks, one namespace per task and store. A namespace keeps its entries in
// least-recently-used order, and the dirty ones (written since the last flush) in the
// order they were last written. Flushing hands the dirty entries to the store's flush
// callback (which forwards them downstream) and marks them clean; a write that takes the
// total past the budget evicts the namespace's least recently used entries, and
// evicting a dirty one flushes the whole namespace first, as Kafka Streams does.
//
// Eddy's cached stores write through (cached-store.ts): the store beneath always holds
// the latest value, so evicting loses nothing, and what the cache folds is what goes
// downstream: one record per key and flush, with the value the key had at the last flush.

/** One cached key. `value` null: the key is absent. */
export interface CacheEntry<K = unknown, C = unknown> {
  /** The Map key: the typed key when it is a string, else its bytes as latin1 (see cacheKeyOf). */
  readonly cacheKey: string;
  /** The typed key of the write (or read) that made the entry what it is. */
  key: K;
  /** The key's bytes, when the store kept them: a write of a cached key serializes it no more. */
  readonly keyBytes?: Buffer;
  value: Buffer | null;
  /** Written since the last flush: the next flush forwards it. */
  dirty: boolean;
  /**
   * The value downstream last saw (at the last flush, or before the first write since):
   * null when absent, undefined when unknown (not read, and not needed).
   */
  old: Buffer | null | undefined;
  /** The record context of the write (Kafka Streams' LRUCacheEntry keeps it): flushes forward with it. */
  context: C | undefined;
  size: number;
  /** @internal The namespace's neighbours in least-recently-used order, and in the order of dirty writes. */
  lruPrev?: CacheEntry<K, C> | undefined;
  lruNext?: CacheEntry<K, C> | undefined;
  dirtyPrev?: CacheEntry<K, C> | undefined;
  dirtyNext?: CacheEntry<K, C> | undefined;
}

/** What an entry costs besides its key and value: Kafka Streams counts its node and record context too. */
const ENTRY_OVERHEAD = 80;

export function entrySize(cacheKey: string, value: Buffer | null, old: Buffer | null | undefined): number {
  return ENTRY_OVERHEAD + cacheKey.length * 2 + (value?.length ?? 0) + (old === value ? 0 : (old?.length ?? 0));
}

export type FlushCallback<K, C> = (entries: CacheEntry<K, C>[]) => Promise<void>;

export class RecordCache {
  readonly maxBytes: number;
  readonly #namespaces = new Map<string, NamedCache>();
  #bytes = 0;

  constructor(maxBytes: number) {
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
      throw new RangeError(`The record cache needs a non-negative whole number of bytes, got ${maxBytes}`);
    }
    this.maxBytes = maxBytes;
  }

  /** Bytes held by every namespace together. */
  get sizeBytes(): number {
    return this.#bytes;
  }

  get entries(): number {
    let count = 0;
    for (const cache of this.#namespaces.values()) count += cache.size;
    return count;
  }

  /**
   * A new, empty namespace for a task's store (`<taskId>-<store>`). One left by an
   * earlier instance of the task (one that failed before closing) is dropped.
   */
  namespace<K, C>(name: string, flush: FlushCallback<K, C>): NamedCache<K, C> {
    this.#namespaces.get(name)?.close();
    const cache = new NamedCache<K, C>(this, name, flush);
    this.#namespaces.set(name, cache as unknown as NamedCache);
    return cache;
  }

  /** @internal A namespace's size changed by `delta` bytes. */
  resized(delta: number): void {
    this.#bytes += delta;
  }

  /** @internal A namespace was closed. */
  closed(cache: NamedCache<never, never>): void {
    if (this.#namespaces.get(cache.name) === (cache as unknown)) this.#namespaces.delete(cache.name);
  }

  /** @internal Whether the cache holds more than its budget. */
  get overBudget(): boolean {
    return this.#bytes > this.maxBytes;
  }

  /** @internal Whether `delta` more bytes would fit. */
  fits(delta: number): boolean {
    return this.#bytes + delta <= this.maxBytes;
  }
}

export class NamedCache<K = unknown, C = unknown> {
  readonly name: string;
  readonly #parent: RecordCache;
  readonly #flush: FlushCallback<K, C>;
  // The entries by key. Their orders are lists through the entries, as Kafka Streams'
  // LRUNode: least recently used first (the next to evict), and the dirty ones in the order
  // they were last written (its dirtyKeys). A key used or written moves by a few pointers,
  // where a Map kept in order took a delete and a set, and a rehash now and then.
  readonly #entries = new Map<string, CacheEntry<K, C>>();
  #eldest: CacheEntry<K, C> | undefined;
  #youngest: CacheEntry<K, C> | undefined;
  #firstDirty: CacheEntry<K, C> | undefined;
  #lastDirty: CacheEntry<K, C> | undefined;
  #dirtyCount = 0;
  // The last key looked up and what #entries held for it (undefined: absent), until the keys
  // change: a windowed aggregation reads a window, then writes it, and a new window's misses
  // would each search a Map of every cached window again.
  #lookedUp: string | undefined;
  #lookedUpEntry: CacheEntry<K, C> | undefined;
  #bytes = 0;
  #open = true;

  constructor(parent: RecordCache, name: string, flush: FlushCallback<K, C>) {
    this.#parent = parent;
    this.name = name;
    this.#flush = flush;
  }

  get size(): number {
    return this.#entries.size;
  }

  get dirtyCount(): number {
    return this.#dirtyCount;
  }

  get sizeBytes(): number {
    return this.#bytes;
  }

  /** The entry, made the most recently used. */
  get(cacheKey: string): CacheEntry<K, C> | undefined {
    const entry = this.peek(cacheKey);
    if (entry !== undefined) this.#makeMostRecent(entry);
    return entry;
  }

  /** The entry, without touching the order (for peeks that must not change what gets evicted). */
  peek(cacheKey: string): CacheEntry<K, C> | undefined {
    if (cacheKey === this.#lookedUp) return this.#lookedUpEntry;
    const entry = this.#entries.get(cacheKey);
    this.#lookedUp = cacheKey;
    this.#lookedUpEntry = entry;
    return entry;
  }

  /**
   * Whether a write of `size` bytes replacing `previous` (or adding a key) stays within
   * the budget: a write that does not needs put(), which may evict and flush.
   */
  fits(previous: CacheEntry<K, C> | undefined, size: number): boolean {
    return this.#parent.fits(size - (previous?.size ?? 0));
  }

  /**
   * Stores the entry as the most recently used (and, when dirty, the last written);
   * then evicts while the whole cache is over budget. Returns a promise only when an
   * eviction had to flush.
   */
  put(entry: CacheEntry<K, C>): Promise<void> | undefined {
    this.#checkOpen();
    const cacheKey = entry.cacheKey;
    const previous = this.peek(cacheKey);
    this.#lookedUp = undefined;
    if (previous !== entry) {
      if (previous !== undefined) this.#unlink(previous);
      this.#entries.set(cacheKey, entry);
      this.#appendLru(entry);
    } else this.#makeMostRecent(entry);
    this.#resize(entry.size - (previous?.size ?? 0));
    this.#markDirty(entry);
    return this.#parent.overBudget ? this.#evict() : undefined;
  }

  /**
   * put() of an entry for a key the namespace does not hold, as its caller knows: no
   * look-up first. Should the key be held after all, it ends as put() would, only slower.
   */
  add(entry: CacheEntry<K, C>): Promise<void> | undefined {
    this.#checkOpen();
    const entries = this.#entries;
    const before = entries.size;
    entries.set(entry.cacheKey, entry);
    this.#lookedUp = undefined;
    if (entries.size === before) {
      // The entry replaced one the Map no longer names: it is found in the order it holds.
      let replaced = this.#eldest;
      while (replaced !== undefined && (replaced.cacheKey !== entry.cacheKey || replaced === entry)) {
        replaced = replaced.lruNext;
      }
      if (replaced !== undefined) {
        this.#unlink(replaced);
        this.#resize(-replaced.size);
      }
    }
    this.#appendLru(entry);
    this.#resize(entry.size);
    this.#markDirty(entry);
    return this.#parent.overBudget ? this.#evict() : undefined;
  }

  /**
   * put() of new contents for `entry`, this namespace's entry for its key (from get() or
   * peek(), nothing written in between), changed in place: a write to a cached key makes
   * no new entry, and no object that lives until the next flush.
   */
  rewrite(
    entry: CacheEntry<K, C>,
    key: K,
    value: Buffer | null,
    dirty: boolean,
    old: Buffer | null | undefined,
    context: C | undefined,
    size: number,
  ): Promise<void> | undefined {
    this.#checkOpen();
    if (this.peek(entry.cacheKey) !== entry) {
      throw new RangeError(`Record cache namespace "${this.name}" holds another entry for the key rewritten`);
    }
    this.#makeMostRecent(entry);
    this.#resize(size - entry.size);
    entry.key = key;
    entry.value = value;
    entry.dirty = dirty;
    entry.old = old;
    entry.context = context;
    entry.size = size;
    this.#markDirty(entry);
    return this.#parent.overBudget ? this.#evict() : undefined;
  }

  #appendLru(entry: CacheEntry<K, C>): void {
    const youngest = this.#youngest;
    entry.lruPrev = youngest;
    entry.lruNext = undefined;
    if (youngest === undefined) this.#eldest = entry;
    else youngest.lruNext = entry;
    this.#youngest = entry;
  }

  #unlinkLru(entry: CacheEntry<K, C>): void {
    const { lruPrev, lruNext } = entry;
    if (lruPrev === undefined) this.#eldest = lruNext;
    else lruPrev.lruNext = lruNext;
    if (lruNext === undefined) this.#youngest = lruPrev;
    else lruNext.lruPrev = lruPrev;
    entry.lruPrev = undefined;
    entry.lruNext = undefined;
  }

  #makeMostRecent(entry: CacheEntry<K, C>): void {
    if (this.#youngest === entry) return;
    this.#unlinkLru(entry);
    this.#appendLru(entry);
  }

  /** Whether the entry is in the dirty list (the first one has no predecessor). */
  #listedDirty = (entry: CacheEntry<K, C>): boolean => entry.dirtyPrev !== undefined || this.#firstDirty === entry;

  #unlinkDirty(entry: CacheEntry<K, C>): void {
    const { dirtyPrev, dirtyNext } = entry;
    if (dirtyPrev === undefined) this.#firstDirty = dirtyNext;
    else dirtyPrev.dirtyNext = dirtyNext;
    if (dirtyNext === undefined) this.#lastDirty = dirtyPrev;
    else dirtyNext.dirtyPrev = dirtyPrev;
    entry.dirtyPrev = undefined;
    entry.dirtyNext = undefined;
    this.#dirtyCount -= 1;
  }

  /** Keeps the dirty list in step with the entry: when dirty, last in the order of the writes (Kafka Streams' arrival order). */
  #markDirty(entry: CacheEntry<K, C>): void {
    const listed = this.#listedDirty(entry);
    if (!entry.dirty) {
      if (listed) this.#unlinkDirty(entry);
      return;
    }
    if (this.#lastDirty === entry) return;
    if (listed) this.#unlinkDirty(entry);
    const last = this.#lastDirty;
    entry.dirtyPrev = last;
    entry.dirtyNext = undefined;
    if (last === undefined) this.#firstDirty = entry;
    else last.dirtyNext = entry;
    this.#lastDirty = entry;
    this.#dirtyCount += 1;
  }

  /** Takes the entry out of both orders and the Map. */
  #unlink(entry: CacheEntry<K, C>): void {
    this.#unlinkLru(entry);
    if (this.#listedDirty(entry)) this.#unlinkDirty(entry);
    if (this.#entries.get(entry.cacheKey) === entry) this.#entries.delete(entry.cacheKey);
    if (this.#lookedUp === entry.cacheKey) this.#lookedUp = undefined;
  }

  /** Forgets a key (its store changed beneath the cache). */
  remove(cacheKey: string): void {
    const entry = this.#entries.get(cacheKey);
    if (entry === undefined) return;
    this.#unlink(entry);
    this.#resize(-entry.size);
  }

  /**
   * Forgets a key unless it is dirty (the next flush forwards it then). Returns the entry
   * forgotten: the cache holds it no more, and its caller may make it another key's.
   */
  removeClean(cacheKey: string): CacheEntry<K, C> | undefined {
    const entry = this.peek(cacheKey);
    if (entry === undefined || entry.dirty) return undefined;
    this.#unlink(entry);
    this.#resize(-entry.size);
    return entry;
  }

  /** Hands every dirty entry to the flush callback, in the order they were written, and marks them clean. */
  flush(): Promise<void> {
    return this.#flushWith(undefined);
  }

  /** Drops every entry without flushing (the task's work is abandoned) and leaves the cache. */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#resize(-this.#bytes);
    this.#entries.clear();
    this.#eldest = undefined;
    this.#youngest = undefined;
    this.#firstDirty = undefined;
    this.#lastDirty = undefined;
    this.#dirtyCount = 0;
    this.#lookedUp = undefined;
    this.#parent.closed(this as unknown as NamedCache<never, never>);
  }

  // Evicts the least recently used entries while the cache is over budget, of this namespace
  // only, as Kafka Streams (another's flush may have taken it over). Clean ones go at once;
  // only a dirty one waits for its flush, so a full cache of clean entries costs no promise.
  #evict(): Promise<void> | undefined {
    while (this.#parent.overBudget && this.#eldest !== undefined) {
      const eldest = this.#eldest;
      const dirty = this.#listedDirty(eldest);
      this.#unlink(eldest);
      this.#resize(-eldest.size);
      if (dirty) return this.#flushWith(eldest).then(() => this.#evict());
    }
    return undefined;
  }

  async #flushWith(evicted: CacheEntry<K, C> | undefined): Promise<void> {
    if (this.#dirtyCount === 0 && evicted === undefined) return;
    const entries: CacheEntry<K, C>[] = evicted === undefined ? [] : [evicted];
    for (let entry = this.#firstDirty; entry !== undefined;) {
      const next = entry.dirtyNext;
      entry.dirtyPrev = undefined;
      entry.dirtyNext = undefined;
      entries.push(entry);
      entry = next;
    }
    // Cleared before the callback, which may write to this very cache (re-entrant).
    this.#firstDirty = undefined;
    this.#lastDirty = undefined;
    this.#dirtyCount = 0;
    const flushed = entries.map((entry) => ({ ...entry }));
    for (const entry of entries) {
      entry.dirty = false;
      entry.context = undefined;
      if (entry !== evicted) {
        const size = entrySize(entry.cacheKey, entry.value, entry.value);
        this.#resize(size - entry.size);
        entry.size = size;
      }
      entry.old = entry.value;
    }
    await this.#flush(flushed);
  }

  #resize(delta: number): void {
    this.#bytes += delta;
    this.#parent.resized(delta);
  }

  #checkOpen(): void {
    if (!this.#open) throw new RangeError(`Record cache namespace "${this.name}" is closed`);
  }
}
