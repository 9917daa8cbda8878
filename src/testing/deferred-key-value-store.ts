// A KeyValueStore that waits for the real one: the driver opens its stores
// asynchronously (LevelDB, processor init), while getKeyValueStore() answers at once.
import type { KeyValue, KeyValueStore } from "../stores/key-value-store.js";

export class DeferredKeyValueStore<K, V> implements KeyValueStore<K, V> {
  readonly name: string;
  readonly #store: Promise<KeyValueStore<K, V>>;

  constructor(name: string, store: Promise<KeyValueStore<K, V>>) {
    this.name = name;
    this.#store = store;
  }

  async get(key: K): Promise<V | undefined> {
    return (await this.#store).get(key);
  }

  async put(key: K, value: V): Promise<void> {
    await (await this.#store).put(key, value);
  }

  async putIfAbsent(key: K, value: V): Promise<V | undefined> {
    return (await this.#store).putIfAbsent(key, value);
  }

  async putAll(entries: Iterable<KeyValue<K, V>>): Promise<void> {
    await (await this.#store).putAll(entries);
  }

  async delete(key: K): Promise<V | undefined> {
    return (await this.#store).delete(key);
  }

  async *range(from?: K, to?: K): AsyncIterableIterator<KeyValue<K, V>> {
    yield* (await this.#store).range(from, to);
  }

  async *reverseRange(from?: K, to?: K): AsyncIterableIterator<KeyValue<K, V>> {
    yield* (await this.#store).reverseRange(from, to);
  }

  async *prefixScan(prefix: K): AsyncIterableIterator<KeyValue<K, V>> {
    yield* (await this.#store).prefixScan(prefix);
  }

  async *all(): AsyncIterableIterator<KeyValue<K, V>> {
    yield* (await this.#store).all();
  }

  async approximateNumEntries(): Promise<number> {
    return (await this.#store).approximateNumEntries();
  }
}
