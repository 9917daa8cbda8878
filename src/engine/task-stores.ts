// The typed store a processor gets for a store definition, over the bytes store its
// task provides (the runtime's overlay, the TopologyTestDriver's storage): the same
// serdes and the same value layout in both, so what a test sees is what runs on Kafka.
import type { Serde } from "../serdes/serde.js";
import type { KeyValueBytesStore, KeyValueStore } from "../stores/key-value-store.js";
import { KeyValueStoreFacade } from "../stores/key-value-store-facade.js";
import { TypedKeyValueStore } from "../stores/typed-key-value-store.js";
import { valueAndTimestampSerde } from "../stores/value-and-timestamp.js";
import type { ValueAndTimestamp } from "../stores/value-and-timestamp.js";
import type { StoreDefinition } from "../topology/topology.js";
import { CachingKeyValueStore } from "../stores/caching-key-value-store.js";
import type { RecordCache } from "../stores/record-cache.js";
import type { StateStore } from "../stores/state-store.js";
import type { TaskStoreContext } from "./state-store-provider.js";
import { TypedWindowStore } from "../stores/window-store.js";
import { CachingWindowStore } from "../stores/caching-window-store.js";
import { TypedSessionStore } from "../stores/session-store.js";
import { CachingSessionStore } from "../stores/caching-session-store.js";
import { SuppressionBuffer } from "../stores/suppression-buffer.js";
import { TypedVersionedKeyValueStore } from "../stores/versioned-key-value-store.js";
import type { StreamTimeCell } from "../stores/store-stream-time.js";

const storedSerdes = new WeakMap<StoreDefinition, Serde<unknown>>();

/** How the store's values are serialized: with their timestamp in front for a timestamped store. */
export function storedValueSerde(definition: StoreDefinition): Serde<unknown> {
  if (!definition.timestamped) return definition.valueSerde;
  let serde = storedSerdes.get(definition);
  if (serde === undefined) {
    serde = valueAndTimestampSerde(definition.valueSerde) as Serde<unknown>;
    storedSerdes.set(definition, serde);
  }
  return serde;
}

/**
 * The key-value store processors use: values are ValueAndTimestamp when the store is
 * timestamped. `topic`, here and below: what the serdes are told (TaskStoreContext.serdeTopic).
 */
export function keyValueStoreOf(
  definition: StoreDefinition,
  bytes: KeyValueBytesStore,
  topic: string,
): KeyValueStore<unknown, unknown> {
  return new TypedKeyValueStore(bytes, definition.keySerde, storedValueSerde(definition), topic);
}

/** The window store processors use (values are ValueAndTimestamp when the store is timestamped). */
export function windowStoreOf(
  definition: StoreDefinition,
  bytes: KeyValueBytesStore,
  topic: string,
  /** The store's clock (store-stream-time.ts): the task's, or the committed one for queries. */
  streamTime?: StreamTimeCell,
): TypedWindowStore<unknown, unknown> {
  const windowed = definition.windowed;
  if (definition.type !== "window" || windowed === undefined) {
    throw new TypeError(`Store "${definition.name}" is a ${definition.type} store, not a window store`);
  }
  return new TypedWindowStore(bytes, definition.keySerde, storedValueSerde(definition), {
    windowSizeMs: windowed.windowSizeMs,
    retentionMs: windowed.retentionMs,
    retainDuplicates: windowed.retainDuplicates,
    timeOrdered: windowed.timeOrdered ?? false,
    ...(streamTime === undefined ? {} : { streamTime }),
    topic,
  });
}

/** A window store behind the record cache: its aggregation's updates of a window folded until the flush. */
function cachingWindowStoreOf(
  definition: StoreDefinition,
  bytes: KeyValueBytesStore,
  task: TaskStoreContext,
  cache: RecordCache,
  streamTime: StreamTimeCell | undefined,
): StateStore {
  const topic = task.serdeTopic(definition);
  const windowed = windowStoreOf(definition, bytes, topic);
  return new CachingWindowStore(
    bytes,
    definition.keySerde,
    storedValueSerde(definition),
    {
      windowSizeMs: windowed.windowSizeMs,
      retentionMs: windowed.retentionMs,
      retainDuplicates: false,
      timeOrdered: definition.windowed?.timeOrdered ?? false,
      ...(streamTime === undefined ? {} : { streamTime }),
      topic,
    },
    { cache, namespace: `${task.taskId}-${definition.name}`, context: task.cache },
  );
}

/** The session store processors use (plain aggregates, as Kafka Streams' session stores). */
export function sessionStoreOf(
  definition: StoreDefinition,
  bytes: KeyValueBytesStore,
  topic: string,
  /** The store's clock (store-stream-time.ts): the task's, or the committed one for queries. */
  streamTime?: StreamTimeCell,
): TypedSessionStore<unknown, unknown> {
  if (definition.type !== "session" || definition.windowed === undefined) {
    throw new TypeError(`Store "${definition.name}" is a ${definition.type} store, not a session store`);
  }
  return new TypedSessionStore(bytes, definition.keySerde, definition.valueSerde, {
    retentionMs: definition.windowed.retentionMs,
    ...(streamTime === undefined ? {} : { streamTime }),
    topic,
  });
}

/** The versioned store processors use (KIP-889): every version of a key for the history retention. */
export function versionedStoreOf(
  definition: StoreDefinition,
  bytes: KeyValueBytesStore,
  topic: string,
  /** The store's clock (store-stream-time.ts), which restores and standby updates advanced. */
  streamTime?: StreamTimeCell,
): TypedVersionedKeyValueStore<unknown, unknown> {
  if (definition.type !== "versioned" || definition.versioned === undefined) {
    throw new TypeError(`Store "${definition.name}" is a ${definition.type} store, not a versioned store`);
  }
  return new TypedVersionedKeyValueStore(
    bytes,
    definition.keySerde,
    definition.valueSerde,
    definition.versioned,
    streamTime === undefined ? { topic } : { streamTime, topic },
  );
}

/** The store as queries and tests read it by default: plain values, whether or not it keeps timestamps. */
export function plainKeyValueStoreOf(
  definition: StoreDefinition,
  typed: KeyValueStore<unknown, unknown>,
): KeyValueStore<unknown, unknown> {
  return definition.timestamped
    ? new KeyValueStoreFacade(typed as KeyValueStore<unknown, ValueAndTimestamp<unknown>>)
    : typed;
}

/**
 * The store a task's processors get, over the task's bytes for it: behind the record
 * cache when there is one (cacheMaxBytes > 0), where it answers reads and, for a
 * store with `caching`, folds the updates its processor forwards until the next flush.
 */
export function taskStoreOf(
  definition: StoreDefinition,
  bytes: KeyValueBytesStore,
  task: TaskStoreContext,
  cache: RecordCache | undefined,
  /**
   * The store's clock (store-stream-time.ts), for window, session and versioned stores:
   * it starts where restores and standby updates left it, and queries expire by it.
   */
  streamTime?: StreamTimeCell,
): StateStore {
  // Once per store: every read and write of the store reuses the contexts made from it.
  const topic = task.serdeTopic(definition);
  if (definition.type === "window") {
    // A join's store keeps duplicates: Kafka Streams never caches it.
    const uncached = cache === undefined || cache.maxBytes === 0 || !definition.caching;
    if (uncached || definition.windowed?.retainDuplicates === true) {
      return windowStoreOf(definition, bytes, topic, streamTime);
    }
    return cachingWindowStoreOf(definition, bytes, task, cache, streamTime);
  }
  if (definition.type === "session") {
    const sessions = sessionStoreOf(definition, bytes, topic, streamTime);
    if (cache === undefined || cache.maxBytes === 0 || !definition.caching) return sessions;
    // Behind the cache (Kafka Streams' CachingSessionStore): a session's updates fold until the flush.
    return new CachingSessionStore(
      bytes,
      definition.keySerde,
      definition.valueSerde,
      { retentionMs: sessions.retentionMs, ...(streamTime === undefined ? {} : { streamTime }), topic },
      { cache, namespace: `${task.taskId}-${definition.name}`, context: task.cache },
    );
  }
  // Kafka Streams never caches a versioned store.
  if (definition.type === "versioned") return versionedStoreOf(definition, bytes, topic, streamTime);
  // suppress()'s buffer holds updates back itself: never behind the record cache.
  if (definition.type === "buffer")
    return new SuppressionBuffer(bytes, definition.keySerde, definition.valueSerde, topic);
  if (cache === undefined || cache.maxBytes === 0) return keyValueStoreOf(definition, bytes, topic);
  return new CachingKeyValueStore(bytes, definition.keySerde, storedValueSerde(definition), {
    cache,
    namespace: `${task.taskId}-${definition.name}`,
    context: task.cache,
    forwarding: definition.caching,
    topic,
  });
}
