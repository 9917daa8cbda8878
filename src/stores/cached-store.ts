// What a cached store offers its processor: Kafka Streams' CachedStateStore. A DSL
// processor whose store is cached does not forward its updates itself: it registers a
// flush listener, and the cache forwards each key's latest value (with the value
// downstream saw before, when asked to) when it flushes: at the task's commit, or when
// an eviction needs room. A store that is not cached answers false, and the processor
// forwards every update as it happens.
export interface FlushedEntry<K, V, C> {
  readonly key: K;
  /** The latest value; null for a delete. */
  readonly newValue: V | null;
  /** The value at the previous flush when old values were asked for; else null. */
  readonly oldValue: V | null;
  /** The record context of the write that made the entry dirty last (its timestamp, headers and origin). */
  readonly context: C;
}

export type FlushListener<K, V, C> = (entry: FlushedEntry<K, V, C>) => Promise<void>;

export interface CachedStore<K, V, C = unknown> {
  /**
   * Makes the store forward through `listener` rather than leave it to the processor;
   * true when the store is cached (it then forwards), false when the processor must.
   */
  setFlushListener(listener: FlushListener<K, V, C>, sendOldValues: boolean): boolean;
  /** Forwards the dirty entries (each key's latest) and marks them clean. */
  flushCache(): Promise<void>;
  /** Drops the cached entries without forwarding them: the task's uncommitted work is abandoned. */
  closeCache(): void;
}

export function isCachedStore(store: unknown): store is CachedStore<unknown, unknown> {
  return (
    typeof store === "object" &&
    store !== null &&
    typeof (store as Partial<CachedStore<unknown, unknown>>).setFlushListener === "function" &&
    typeof (store as Partial<CachedStore<unknown, unknown>>).flushCache === "function"
  );
}

/** Where a cached store learns the context of the write at hand, and how a flush forwards in a record's context. */
export interface CacheContext<C> {
  /**
   * The record context of the record being processed (Kafka Streams' context.recordContext()).
   * `reuse`, a context from an earlier call that only the cache holds, is overwritten and
   * returned instead of a new one: a key written again before its flush costs no object.
   */
  recordContext(reuse?: C): C;
  /**
   * Runs `work` as if the record of `context` were being processed (its metadata, for what
   * it forwards). Undefined when `work` finished synchronously (downstream took the record
   * at once), else a promise of the rest: a flush of thousands of keys then costs no
   * promise per key.
   */
  runInContext(context: C, work: () => Promise<void>): void | Promise<void>;
}
