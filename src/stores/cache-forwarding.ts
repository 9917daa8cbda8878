// The record cache in front of a windowed store (Kafka Streams' CachingWindowStore and
// CachingSessionStore share it): the store writes through to the bytes beneath at once
// (reads and the changelog see every write), and the cache folds each window's or
// session's updates: at the task's commit, or when an eviction needs room, the flush
// forwards every dirty entry's latest value, with the one downstream saw before.
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

export class CacheForwarding<K, V, C> {
  readonly #cache: NamedCache<K, C>;
  readonly #context: CacheContext<C>;
  readonly #valueSerde: Serde<V>;
  readonly #valueContext: SerdeContext;
  #listener: FlushListener<K, V, C> | undefined;
  #sendOldValues = false;

  constructor(options: StoreCachingOptions<C>, valueSerde: Serde<V>, valueContext: SerdeContext) {
    this.#context = options.context;
    this.#valueSerde = valueSerde;
    this.#valueContext = valueContext;
    this.#cache = options.cache.namespace<K, C>(options.namespace, (entries) => this.#forward(entries));
  }

  /** Whether a processor forwards through the cache (it registered a flush listener). */
  get forwarding(): boolean {
    return this.#listener !== undefined;
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
    this.#cache.close();
  }

  /**
   * Writes through (`write`, which may drop the write: false) and marks the entry dirty,
   * keeping the value downstream saw last (read from the store when first needed).
   */
  async write(
    cacheKey: string,
    key: K,
    valueBytes: Buffer | null,
    stored: () => Promise<Buffer | undefined>,
    write: () => Promise<boolean>,
  ): Promise<boolean> {
    const previous = this.#cache.peek(cacheKey);
    let old = previous === undefined ? undefined : previous.dirty ? previous.old : previous.value;
    if (previous === undefined && (this.#sendOldValues || valueBytes === null)) old = (await stored()) ?? null;
    if (!(await write())) return false;
    await this.#cache.put({
      cacheKey,
      key,
      value: valueBytes,
      dirty: true,
      old,
      context: this.#context.recordContext(),
      size: entrySize(cacheKey, valueBytes, old),
    });
    return true;
  }

  /** The flush: each entry's latest value downstream, with the one downstream saw before (when asked for). */
  async #forward(entries: CacheEntry<K, C>[]): Promise<void> {
    const listener = this.#listener;
    if (listener === undefined) return;
    for (const entry of entries) {
      const old = entry.old ?? null;
      // Made and removed between two flushes: downstream never saw it.
      if (entry.value === null && old === null) continue;
      const newValue = entry.value === null ? null : this.#valueSerde.deserialize(entry.value, this.#valueContext);
      const oldValue =
        this.#sendOldValues && old !== null ? this.#valueSerde.deserialize(old, this.#valueContext) : null;
      await this.#context.runInContext(entry.context as C, () =>
        listener({ key: entry.key, newValue, oldValue, context: entry.context as C }),
      );
    }
  }
}
