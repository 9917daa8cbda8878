// The stores a TopologyTestDriver hands out: each getter checks the store's type against
// the topology, and answers at once with a store that waits for the task's (the driver
// opens its tasks asynchronously).
import { taskId } from "../engine/task-id.js";
import { plainKeyValueStoreOf } from "../engine/task-stores.js";
import { StoreNotFoundError } from "../stores/errors.js";
import type { KeyValueStore } from "../stores/key-value-store.js";
import type { ValueAndTimestamp } from "../stores/value-and-timestamp.js";
import { WindowStoreFacade } from "../stores/window-store-facade.js";
import type { ReadOnlyWindowStore } from "../stores/window-store.js";
import type { ReadOnlySessionStore } from "../stores/session-store.js";
import type { VersionedKeyValueStore } from "../stores/versioned-key-value-store.js";
import type { StoreDefinition, Topology } from "../topology/topology.js";
import { DeferredKeyValueStore } from "./deferred-key-value-store.js";
import { DeferredSessionStore } from "./deferred-session-store.js";
import { DeferredVersionedKeyValueStore } from "./deferred-versioned-key-value-store.js";
import { DeferredWindowStore } from "./deferred-window-store.js";
import type { DriverTask } from "./driver-tasks.js";
import { storeDefinitionOf } from "./driver-store-lookup.js";
import { WrongStoreTypeError } from "./errors.js";

export class DriverStores {
  readonly #topology: Topology;
  readonly #tasks: Promise<ReadonlyMap<number, DriverTask>>;

  constructor(topology: Topology, tasks: Promise<ReadonlyMap<number, DriverTask>>) {
    this.#topology = topology;
    this.#tasks = tasks;
  }

  /**
   * The key-value store of that name, typed by its serdes, with plain values (a
   * timestamped store's timestamps are left out, as Kafka Streams' driver does); writes
   * to it are seen by the processors.
   */
  getKeyValueStore<K, V>(name: string): KeyValueStore<K, V> {
    const definition = storeDefinitionOf(this.#topology, name, "keyValue", "key-value store (getKeyValueStore())");
    return new DeferredKeyValueStore<K, V>(
      name,
      this.#taskStore(definition, (store) => plainKeyValueStoreOf(definition, store) as KeyValueStore<K, V>),
    );
  }

  /** A timestamped key-value store (every table and aggregate of the DSL): values with their timestamps. */
  getTimestampedKeyValueStore<K, V>(name: string): KeyValueStore<K, ValueAndTimestamp<V>> {
    const definition = storeDefinitionOf(
      this.#topology,
      name,
      "keyValue",
      "key-value store (getTimestampedKeyValueStore())",
    );
    if (!definition.timestamped) {
      throw new WrongStoreTypeError(
        name,
        "key-value store without timestamps",
        "timestamped one",
        "getKeyValueStore()",
      );
    }
    return new DeferredKeyValueStore<K, ValueAndTimestamp<V>>(
      name,
      this.#taskStore(definition, (store) => store as KeyValueStore<K, ValueAndTimestamp<V>>),
    );
  }

  /**
   * The window store of that name (a windowed aggregation's), with plain values (Kafka
   * Streams' driver hands out a timestamped window store's values without timestamps).
   */
  getWindowStore<K, V>(name: string): ReadOnlyWindowStore<K, V> {
    const definition = storeDefinitionOf(this.#topology, name, "window", "window store (getWindowStore())");
    return new DeferredWindowStore<K, V>(
      name,
      this.#taskStore(definition, (store) =>
        definition.timestamped
          ? new WindowStoreFacade(store as unknown as ReadOnlyWindowStore<K, ValueAndTimestamp<V>>)
          : (store as unknown as ReadOnlyWindowStore<K, V>),
      ),
    );
  }

  /** A timestamped window store (every windowed aggregation of the DSL): values with their timestamps. */
  getTimestampedWindowStore<K, V>(name: string): ReadOnlyWindowStore<K, ValueAndTimestamp<V>> {
    const definition = storeDefinitionOf(this.#topology, name, "window", "window store (getTimestampedWindowStore())");
    if (!definition.timestamped) {
      throw new WrongStoreTypeError(name, "window store without timestamps", "timestamped one", "getWindowStore()");
    }
    return new DeferredWindowStore<K, ValueAndTimestamp<V>>(
      name,
      this.#taskStore(definition, (store) => store as unknown as ReadOnlyWindowStore<K, ValueAndTimestamp<V>>),
    );
  }

  /**
   * The versioned key-value store of that name (KIP-889): a table materialized with
   * Stores.persistentVersionedKeyValueStore(), or one added with versionedKeyValueStoreBuilder().
   */
  getVersionedKeyValueStore<K, V>(name: string): VersionedKeyValueStore<K, V> {
    const definition = storeDefinitionOf(
      this.#topology,
      name,
      "versioned",
      "versioned key-value store (getVersionedKeyValueStore())",
    );
    return new DeferredVersionedKeyValueStore<K, V>(
      name,
      this.#taskStore(definition, (store) => store as unknown as VersionedKeyValueStore<K, V>),
    );
  }

  /** The session store of that name (a session-windowed aggregation's). */
  getSessionStore<K, V>(name: string): ReadOnlySessionStore<K, V> {
    const definition = storeDefinitionOf(this.#topology, name, "session", "session store (getSessionStore())");
    return new DeferredSessionStore<K, V>(
      name,
      this.#taskStore(definition, (store) => store as unknown as ReadOnlySessionStore<K, V>),
    );
  }

  /** The task's store for the definition, once the driver has started. */
  #taskStore<T>(definition: StoreDefinition, view: (store: KeyValueStore<unknown, unknown>) => T): Promise<T> {
    const store = this.#tasks.then((tasks) => {
      const task = tasks.get(definition.subtopology);
      const found = task?.stores.get(definition.name);
      if (found === undefined)
        throw new StoreNotFoundError(definition.name, `task ${taskId(definition.subtopology, 0)}`);
      return view(found as KeyValueStore<unknown, unknown>);
    });
    store.catch(() => undefined);
    return store;
  }
}
