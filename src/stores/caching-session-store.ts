// A task's session store with the record cache in front (Kafka Streams' CachingSessionStore),
// for its one writer, the session aggregation (cache-forwarding.ts does the caching): a
// read of one session is answered from the cache when it holds it, and each session's
// updates fold until the flush. A record that merges sessions removes them and puts the
// merged one: at the flush, a removed session downstream saw goes out as a delete, one
// made and merged away since the last flush not at all.
import type { Serde, SerdeContext } from "../serdes/serde.js";
import type { Windowed } from "../serdes/windowed.js";
import { CacheForwarding } from "./cache-forwarding.js";
import type { StoreCachingOptions } from "./cache-forwarding.js";
import type { CachedStore, FlushListener } from "./cached-store.js";
import type { KeyValueBytesStore } from "./key-value-store.js";
import { TypedSessionStore, sessionStoreKey } from "./session-store.js";
import type { SessionStoreOptions } from "./session-store.js";

export class CachingSessionStore<K, V, C = unknown>
  extends TypedSessionStore<K, V>
  implements CachedStore<Windowed<K>, V, C>
{
  readonly #caching: CacheForwarding<Windowed<K>, V, C>;
  readonly #keyContext: SerdeContext;
  readonly #valueContext: SerdeContext;

  constructor(
    bytes: KeyValueBytesStore,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
    options: SessionStoreOptions,
    caching: StoreCachingOptions<C>,
  ) {
    super(bytes, keySerde, valueSerde, options);
    this.#keyContext = { store: bytes.name, part: "key" };
    this.#valueContext = { store: bytes.name, part: "value" };
    this.#caching = new CacheForwarding<Windowed<K>, V, C>(caching, valueSerde, this.#valueContext);
  }

  /** Sessions cached (for tests and metrics). */
  get cachedSessions(): number {
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

  override async fetchSession(key: K, sessionStart: number, sessionEnd: number): Promise<V | undefined> {
    if (sessionEnd < this.minLiveTime) return undefined;
    const storeKey = sessionStoreKey(this.keySerde.serialize(key, this.#keyContext), sessionStart, sessionEnd);
    const cached = this.#caching.cached(storeKey.toString("latin1"));
    if (cached === undefined) return super.fetchSession(key, sessionStart, sessionEnd);
    return cached === null ? undefined : this.valueSerde.deserialize(cached, this.#valueContext);
  }

  override put(session: Windowed<K>, aggregate: V | null): Promise<boolean> {
    const { start, end } = session.window;
    // A write of an expired session is dropped by the store, and not cached.
    if (!this.accepts(end)) return super.put(session, aggregate);
    const storeKey = sessionStoreKey(this.keySerde.serialize(session.key, this.#keyContext), start, end);
    const valueBytes =
      aggregate === null || aggregate === undefined ? null : this.valueSerde.serialize(aggregate, this.#valueContext);
    return this.#caching.write(
      storeKey.toString("latin1"),
      { key: session.key, window: { start, end } },
      valueBytes,
      undefined,
      () => this.bytes.get(storeKey),
      () => super.put(session, aggregate),
    );
  }
}
