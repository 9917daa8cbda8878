// A VersionedKeyValueStore that waits for the real one: the driver opens its stores
// asynchronously, while getVersionedKeyValueStore() answers at once.
import type { VersionedKeyValueStore, VersionedRecord, VersionsQuery } from "../stores/versioned-key-value-store.js";

export class DeferredVersionedKeyValueStore<K, V> implements VersionedKeyValueStore<K, V> {
  readonly name: string;
  readonly #store: Promise<VersionedKeyValueStore<K, V>>;

  constructor(name: string, store: Promise<VersionedKeyValueStore<K, V>>) {
    this.name = name;
    this.#store = store;
  }

  async put(key: K, value: V | null, timestamp: number): Promise<number> {
    return (await this.#store).put(key, value, timestamp);
  }

  async delete(key: K, timestamp: number): Promise<VersionedRecord<V> | null> {
    return (await this.#store).delete(key, timestamp);
  }

  async get(key: K, asOfTimestamp?: number): Promise<VersionedRecord<V> | null> {
    const store = await this.#store;
    return asOfTimestamp === undefined ? store.get(key) : store.get(key, asOfTimestamp);
  }

  async *versions(key: K, query?: VersionsQuery): AsyncIterableIterator<VersionedRecord<V>> {
    yield* (await this.#store).versions(key, query);
  }
}
