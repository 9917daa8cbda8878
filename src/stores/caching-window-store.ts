// A task's window store with the record cache in front (Kafka Streams' CachingWindowStore),
// for its one writer, the windowed aggregation. Writes go through to the store beneath at once
// (reads, fetches and the changelog see them), and each window's updates are folded in the
// cache: at the task's commit (or when an eviction needs room) the flush forwards every dirty
// window's latest aggregate, with the one downstream saw before, keyed by { key, window }.
import type { Serde } from "../serdes/serde.js";
import type { Windowed } from "../serdes/windowed.js";
import type { CacheContext, CachedStore, FlushListener } from "./cached-store.js";
import type { KeyValueBytesStore } from "./key-value-store.js";
import { entrySize } from "./record-cache.js";
import type { CacheEntry, NamedCache, RecordCache } from "./record-cache.js";
import { windowStoreKey } from "./window-key-schema.js";
import { TypedWindowStore } from "./window-store.js";
import type { WindowStoreOptions } from "./window-store.js";

export interface WindowCachingOptions<C> {
  readonly cache: RecordCache;
  /** `<taskId>-<store>`: the store's namespace in the cache. */
  readonly namespace: string;
  readonly context: CacheContext<C>;
}

export class CachingWindowStore<K, V, C = unknown>
  extends TypedWindowStore<K, V>
  implements CachedStore<Windowed<K>, V, C>
{
  readonly #cache: NamedCache<Windowed<K>, C>;
  readonly #context: CacheContext<C>;
  readonly #keyContext;
  readonly #valueContext;
  #listener: FlushListener<Windowed<K>, V, C> | undefined;
  #sendOldValues = false;

  constructor(
    bytes: KeyValueBytesStore,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
    options: WindowStoreOptions,
    caching: WindowCachingOptions<C>,
  ) {
    super(bytes, keySerde, valueSerde, options);
    this.#context = caching.context;
    this.#keyContext = { store: bytes.name, part: "key" as const };
    this.#valueContext = { store: bytes.name, part: "value" as const };
    this.#cache = caching.cache.namespace<Windowed<K>, C>(caching.namespace, (entries) => this.#forward(entries));
  }

  setFlushListener(listener: FlushListener<Windowed<K>, V, C>, sendOldValues: boolean): boolean {
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

  override async put(key: K, value: V | null, windowStart: number): Promise<boolean> {
    // Without a listener nothing is forwarded through the cache; a write into an expired segment is dropped.
    if (this.#listener === undefined || !this.accepts(windowStart)) return super.put(key, value, windowStart);
    const storeKey = windowStoreKey(this.keySerde.serialize(key, this.#keyContext), windowStart, 0);
    const cacheKey = storeKey.toString("latin1");
    const valueBytes =
      value === null || value === undefined ? null : this.valueSerde.serialize(value, this.#valueContext);
    const previous = this.#cache.peek(cacheKey);
    let old = previous === undefined ? undefined : previous.dirty ? previous.old : previous.value;
    if (previous === undefined && (this.#sendOldValues || valueBytes === null)) {
      old = (await this.bytes.get(storeKey)) ?? null;
    }
    const kept = await super.put(key, value, windowStart);
    if (!kept) return false;
    const end = Math.min(windowStart + this.windowSizeMs, Number.MAX_SAFE_INTEGER);
    await this.#cache.put({
      cacheKey,
      key: { key, window: { start: windowStart, end } },
      value: valueBytes,
      dirty: true,
      old,
      context: this.#context.recordContext(),
      size: entrySize(cacheKey, valueBytes, old),
    });
    return true;
  }

  /** The flush: each window's latest aggregate downstream, with the one downstream saw before (when asked for). */
  async #forward(entries: CacheEntry<Windowed<K>, C>[]): Promise<void> {
    const listener = this.#listener;
    if (listener === undefined) return;
    for (const entry of entries) {
      const old = entry.old ?? null;
      if (entry.value === null && old === null) continue;
      const newValue = entry.value === null ? null : this.valueSerde.deserialize(entry.value, this.#valueContext);
      const oldValue =
        this.#sendOldValues && old !== null ? this.valueSerde.deserialize(old, this.#valueContext) : null;
      await this.#context.runInContext(entry.context as C, () =>
        listener({ key: entry.key, newValue, oldValue, context: entry.context as C }),
      );
    }
  }
}
