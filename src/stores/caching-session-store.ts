// A task's session store with the record cache in front (Kafka Streams' CachingSessionStore),
// for its one writer, the session aggregation (cache-forwarding.ts does the caching): a
// read of a session is answered from the cache when it holds it, or as absent when the
// store's session index knows it holds no such session, and only otherwise from the store
// beneath; findSessionsNow() and putNow() do both without a promise when they can, for
// the aggregation's hot path. Each session's updates fold until the flush. A record that
// merges sessions removes them and puts the merged one: at the flush, a removed session
// downstream saw goes out as a delete, one made and merged away since the last flush not
// at all.
import type { Serde } from "../serdes/serde.js";
import type { Windowed } from "../serdes/windowed.js";
import { CacheForwarding, NEEDS_READ } from "./cache-forwarding.js";
import type { StoreCachingOptions } from "./cache-forwarding.js";
import type { CachedStore, FlushListener } from "./cached-store.js";
import type { KeyValueBytesStore } from "./key-value-store.js";
import type { IndexedSession } from "./session-index.js";
import { TypedSessionStore } from "./session-store.js";
import type { SessionStoreOptions } from "./session-store.js";
import { storeSerdeContext } from "./store-serde-context.js";

export class CachingSessionStore<K, V, C = unknown>
  extends TypedSessionStore<K, V>
  implements CachedStore<Windowed<K>, V, C>
{
  readonly #caching: CacheForwarding<Windowed<K>, V, C>;
  /**
   * Whether the cache may hold a removed session (a null entry). Until then it holds only
   * sessions the store holds, so a session the index does not know is in neither: no
   * cache look-up for it.
   */
  #deletesCached = false;
  /** The rows of dropped sessions the cache held dirty: forgotten after the next flush forwards them. */
  #droppedDirty: string[] = [];

  constructor(
    bytes: KeyValueBytesStore,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
    options: SessionStoreOptions,
    caching: StoreCachingOptions<C>,
  ) {
    super(bytes, keySerde, valueSerde, options);
    this.#caching = new CacheForwarding<Windowed<K>, V, C>(
      caching,
      valueSerde,
      storeSerdeContext(bytes.name, "value", options.topic),
    );
  }

  /** Sessions cached (for tests and metrics). */
  get cachedSessions(): number {
    return this.#caching.size;
  }

  setFlushListener(listener: FlushListener<Windowed<K>, V, C>, sendOldValues: boolean): boolean {
    return this.#caching.setFlushListener(listener, sendOldValues);
  }

  flushCache(): Promise<void> {
    if (this.#droppedDirty.length === 0) return this.#caching.flush();
    const dropped = this.#droppedDirty;
    this.#droppedDirty = [];
    return this.#caching.flush().then(() => {
      for (const row of dropped) this.#caching.forgetClean(row);
    });
  }

  closeCache(): void {
    this.#droppedDirty = [];
    this.#caching.close();
  }

  protected override cachedRow(row: string): Buffer | null | undefined {
    return this.#caching.cached(row);
  }

  protected override async readRow(
    storeKey: Buffer,
    row: string,
    start: number,
    end: number,
  ): Promise<Buffer | undefined> {
    if (this.holdsRow(row, start, end) === false && !this.#deletesCached) return undefined;
    const cached = this.#caching.cached(row);
    if (cached !== undefined) return cached ?? undefined;
    return super.readRow(storeKey, row, start, end);
  }

  /** TypedSessionStore.putNow(); the cache keeps `session` (the flush forwards it): it must not change after. */
  override putNow(session: Windowed<K>, aggregate: V | null): boolean | Promise<void> {
    const { start, end } = session.window;
    if (!this.accepts(end)) return false;
    const storeKey = this.storeKeyOf(session.key, start, end);
    const row = storeKey.toString("latin1");
    const valueBytes = this.serializeValue(aggregate);
    const held = this.holdsRow(row, start, end);
    // A new session (most records open one): the cache holds no entry for it either.
    const fresh = held === false && !this.#deletesCached && valueBytes !== null;
    const old = fresh ? this.#caching.oldForNew(valueBytes) : this.#caching.oldFor(row, valueBytes, held);
    if (old === NEEDS_READ || !this.writeRowNow(storeKey, row, start, end, valueBytes)) return false;
    if (valueBytes === null) this.#deletesCached = true;
    if (fresh) return this.#caching.recordNew(row, session, valueBytes, old) ?? true;
    return this.#caching.record(row, session, valueBytes, old) ?? true;
  }

  override put(session: Windowed<K>, aggregate: V | null): Promise<boolean> {
    let now: boolean | Promise<void>;
    try {
      // The cache keeps the session it is given until the flush: a copy, since the caller may change its own.
      now = this.putNow(
        { key: session.key, window: { start: session.window.start, end: session.window.end } },
        aggregate,
      );
    } catch (error) {
      return Promise.reject(error as Error);
    }
    if (now === true) return Promise.resolve(true);
    if (now !== false) return now.then(() => true);
    const { start, end } = session.window;
    // A write of an expired session is dropped by the store, and not cached.
    if (!this.accepts(end)) return super.put(session, aggregate);
    const storeKey = this.storeKeyOf(session.key, start, end);
    const row = storeKey.toString("latin1");
    const valueBytes = this.serializeValue(aggregate);
    if (valueBytes === null) this.#deletesCached = true;
    return this.#caching.write(
      row,
      { key: session.key, window: { start, end } },
      valueBytes,
      this.holdsRow(row, start, end),
      () => this.bytes.get(storeKey),
      () => this.writeRow(storeKey, row, start, end, valueBytes),
    );
  }

  /**
   * An expired segment's sessions leave the cache with their rows (no read sees them
   * again): otherwise they would fill it until evicted. A dirty one stays until the flush
   * forwards it, and leaves after the task's flush (most sessions of a busy task expire
   * before the commit that flushes them).
   */
  protected override dropped(sessions: readonly IndexedSession[]): void {
    for (const { row } of sessions) {
      this.#caching.forgetClean(row);
      if (this.#caching.cached(row) !== undefined) this.#droppedDirty.push(row);
    }
  }
}
