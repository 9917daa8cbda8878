// A task's window store with the record cache in front (Kafka Streams' CachingWindowStore),
// for its one writer, the windowed aggregation: writes go through at once, and each
// window's updates are folded until the flush, which forwards them keyed by
// { key, window } (cache-forwarding.ts).
import type { Serde } from "../serdes/serde.js";
import type { Windowed } from "../serdes/windowed.js";
import { CacheForwarding } from "./cache-forwarding.js";
import type { StoreCachingOptions } from "./cache-forwarding.js";
import type { CachedStore, FlushListener } from "./cached-store.js";
import type { KeyValueBytesStore } from "./key-value-store.js";
import { windowStoreKey } from "./window-key-schema.js";
import { TypedWindowStore } from "./window-store.js";
import type { WindowStoreOptions } from "./window-store.js";

export type WindowCachingOptions<C> = StoreCachingOptions<C>;

export class CachingWindowStore<K, V, C = unknown>
  extends TypedWindowStore<K, V>
  implements CachedStore<Windowed<K>, V, C>
{
  readonly #caching: CacheForwarding<Windowed<K>, V, C>;
  readonly #keyContext;
  readonly #valueContext;

  constructor(
    bytes: KeyValueBytesStore,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
    options: WindowStoreOptions,
    caching: WindowCachingOptions<C>,
  ) {
    super(bytes, keySerde, valueSerde, options);
    this.#keyContext = { store: bytes.name, part: "key" as const };
    this.#valueContext = { store: bytes.name, part: "value" as const };
    this.#caching = new CacheForwarding<Windowed<K>, V, C>(caching, valueSerde, this.#valueContext);
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

  override put(key: K, value: V | null, windowStart: number): Promise<boolean> {
    // Without a listener nothing is forwarded through the cache; a write into an expired segment is dropped.
    if (!this.#caching.forwarding || !this.accepts(windowStart)) return super.put(key, value, windowStart);
    const storeKey = windowStoreKey(this.keySerde.serialize(key, this.#keyContext), windowStart, 0);
    const valueBytes =
      value === null || value === undefined ? null : this.valueSerde.serialize(value, this.#valueContext);
    const end = Math.min(windowStart + this.windowSizeMs, Number.MAX_SAFE_INTEGER);
    return this.#caching.write(
      storeKey.toString("latin1"),
      { key, window: { start: windowStart, end } },
      valueBytes,
      () => this.bytes.get(storeKey),
      () => super.put(key, value, windowStart),
    );
  }
}
