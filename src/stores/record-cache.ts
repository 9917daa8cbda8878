// The record cache, as Kafka Streams' ThreadCache and NamedCache: one budget
// (cacheMaxBytes, statestore.cache.max.bytes) shared by every cached store of an
// instance's tasks, one namespace per task and store. A namespace keeps its entries in
// least-recently-used order, and the dirty ones (written since the last flush) in the
// order they were first written. Flushing hands the dirty entries to the store's flush
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
  /** In least-recently-used order: the first entry is the next to evict. */
  readonly #entries = new Map<string, CacheEntry<K, C>>();
  /** Dirty entries in the order they were last written, as Kafka Streams' dirtyKeys. */
  readonly #dirty = new Map<string, CacheEntry<K, C>>();
  #evictionCursor: MapIterator<[string, CacheEntry<K, C>]> | undefined;
  /**
   * The keys last in #entries and in #dirty: a key read and then written (an aggregate's
   * every record) is already where it must go, and is not moved again (a Map's delete
   * leaves a hole that its next rehash pays for).
   */
  #mostRecent: string | undefined;
  #lastDirty: string | undefined;
  /**
   * The last key looked up and what #entries held for it (undefined: absent), kept until
   * the namespace's keys change: a windowed aggregation reads a window, then writes it, and
   * a new window's misses would each search a Map of every cached window again.
   */
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
    return this.#dirty.size;
  }

  get sizeBytes(): number {
    return this.#bytes;
  }

  /** The entry, made the most recently used. */
  get(cacheKey: string): CacheEntry<K, C> | undefined {
    const entry = this.peek(cacheKey);
    if (entry !== undefined) this.#makeMostRecent(cacheKey, entry);
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
    if (previous === undefined) {
      // A new key goes last without a delete first (a search for a key that is not there).
      this.#entries.set(cacheKey, entry);
      this.#mostRecent = cacheKey;
    } else this.#makeMostRecent(cacheKey, entry);
    this.#resize(entry.size - (previous?.size ?? 0));
    this.#markDirty(entry, previous?.dirty === true);
    return this.#parent.overBudget ? this.#evict() : undefined;
  }

  /**
   * put() of an entry for a key the namespace does not hold, as its caller knows: no
   * look-up first. Should the key be held after all, it ends as put() would, only slower.
   */
  add(entry: CacheEntry<K, C>): Promise<void> | undefined {
    this.#checkOpen();
    const cacheKey = entry.cacheKey;
    const entries = this.#entries;
    const before = entries.size;
    entries.set(cacheKey, entry);
    this.#lookedUp = undefined;
    if (entries.size === before) {
      // The entry replaced one whose size is unknown now: the sizes are counted again.
      entries.delete(cacheKey);
      entries.set(cacheKey, entry);
      let bytes = 0;
      for (const held of entries.values()) bytes += held.size;
      this.#resize(bytes - this.#bytes);
      this.#mostRecent = cacheKey;
      this.#markDirty(entry, this.#dirty.has(cacheKey));
    } else {
      this.#mostRecent = cacheKey;
      this.#resize(entry.size);
      this.#markDirty(entry, false);
    }
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
    const wasDirty = entry.dirty;
    this.#makeMostRecent(entry.cacheKey, entry);
    this.#resize(size - entry.size);
    entry.key = key;
    entry.value = value;
    entry.dirty = dirty;
    entry.old = old;
    entry.context = context;
    entry.size = size;
    this.#markDirty(entry, wasDirty);
    return this.#parent.overBudget ? this.#evict() : undefined;
  }

  #makeMostRecent(cacheKey: string, entry: CacheEntry<K, C>): void {
    if (this.#mostRecent !== cacheKey) {
      this.#entries.delete(cacheKey);
      this.#mostRecent = cacheKey;
    }
    this.#entries.set(cacheKey, entry);
  }

  /** Keeps #dirty in step with the entry: when dirty, last in the order of the writes (Kafka Streams' arrival order). */
  #markDirty(entry: CacheEntry<K, C>, wasDirty: boolean): void {
    const cacheKey = entry.cacheKey;
    if (entry.dirty) {
      if (this.#lastDirty !== cacheKey) {
        if (wasDirty) this.#dirty.delete(cacheKey);
        this.#lastDirty = cacheKey;
      }
      this.#dirty.set(cacheKey, entry);
    } else if (wasDirty) {
      this.#forgetDirty(cacheKey);
    }
  }

  #forgetEntry(cacheKey: string): void {
    this.#entries.delete(cacheKey);
    if (this.#lookedUp === cacheKey) this.#lookedUp = undefined;
    if (this.#mostRecent === cacheKey) this.#mostRecent = undefined;
  }

  #forgetDirty(cacheKey: string): void {
    this.#dirty.delete(cacheKey);
    if (this.#lastDirty === cacheKey) this.#lastDirty = undefined;
  }

  /** Forgets a key (its store changed beneath the cache). */
  remove(cacheKey: string): void {
    const entry = this.#entries.get(cacheKey);
    if (entry === undefined) return;
    this.#forgetEntry(cacheKey);
    this.#forgetDirty(cacheKey);
    this.#resize(-entry.size);
  }

  /**
   * Forgets a key unless it is dirty (the next flush forwards it then). Returns the entry
   * forgotten: the cache holds it no more, and its caller may make it another key's.
   */
  removeClean(cacheKey: string): CacheEntry<K, C> | undefined {
    const entry = this.peek(cacheKey);
    if (entry === undefined || entry.dirty) return undefined;
    this.#forgetEntry(cacheKey);
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
    this.#dirty.clear();
    this.#mostRecent = undefined;
    this.#lastDirty = undefined;
    this.#lookedUp = undefined;
    this.#evictionCursor = undefined;
    this.#parent.closed(this as unknown as NamedCache<never, never>);
  }

  /**
   * Evicts the least recently used entries while the cache is over budget. Clean ones go
   * at once; only a dirty one makes it wait (its flush forwards the namespace's dirty
   * entries downstream), so a full cache of clean entries costs its writers no promise.
   */
  #evict(): Promise<void> | undefined {
    // Only this namespace is evicted, as in Kafka Streams: the write that went over the
    // budget may have been caused by another namespace's flush.
    while (this.#parent.overBudget && this.#entries.size > 0) {
      const [cacheKey, eldest] = this.#eldest();
      this.#forgetEntry(cacheKey);
      this.#resize(-eldest.size);
      if (eldest.dirty) {
        this.#forgetDirty(cacheKey);
        return this.#flushWith(eldest).then(() => this.#evict());
      }
    }
    return undefined;
  }

  /**
   * The least recently used entry. One iterator is kept from eviction to eviction: a new
   * one would skip, each time, every entry deleted at the front of the Map since it was
   * last compacted (a cost that grew with the cache). Everything before the iterator's
   * place was evicted or moved to the end, so its next entry is the eldest.
   */
  #eldest(): [string, CacheEntry<K, C>] {
    let next = this.#evictionCursor?.next();
    if (next === undefined || next.done === true) {
      this.#evictionCursor = this.#entries.entries();
      next = this.#evictionCursor.next();
    }
    return next.value as [string, CacheEntry<K, C>];
  }

  async #flushWith(evicted: CacheEntry<K, C> | undefined): Promise<void> {
    if (this.#dirty.size === 0 && evicted === undefined) return;
    const entries: CacheEntry<K, C>[] = evicted === undefined ? [] : [evicted];
    for (const entry of this.#dirty.values()) entries.push(entry);
    // Cleared before the callback, which may write to this very cache (re-entrant).
    this.#dirty.clear();
    this.#lastDirty = undefined;
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
