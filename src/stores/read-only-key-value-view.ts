// What interactive queries get: the read methods of a store and nothing else, so a
// query handler cannot write to state behind the task's back, even with a cast.
import type { KeyValue, ReadOnlyKeyValueStore } from "./key-value-store.js";

export class ReadOnlyKeyValueView<K, V> implements ReadOnlyKeyValueStore<K, V> {
  readonly #store: ReadOnlyKeyValueStore<K, V>;

  constructor(store: ReadOnlyKeyValueStore<K, V>) {
    this.#store = store;
  }

  get name(): string {
    return this.#store.name;
  }

  get(key: K): Promise<V | undefined> {
    return this.#store.get(key);
  }

  get readsNow(): boolean {
    return this.#store.readsNow === true;
  }

  get version(): number | undefined {
    return this.#store.version;
  }

  getNow(key: K): V | undefined {
    if (this.#store.getNow === undefined) throw new TypeError(`Store "${this.name}" cannot read without a promise`);
    return this.#store.getNow(key);
  }

  range(from?: K, to?: K): AsyncIterableIterator<KeyValue<K, V>> {
    return this.#store.range(from, to);
  }

  reverseRange(from?: K, to?: K): AsyncIterableIterator<KeyValue<K, V>> {
    return this.#store.reverseRange(from, to);
  }

  prefixScan(prefix: K): AsyncIterableIterator<KeyValue<K, V>> {
    return this.#store.prefixScan(prefix);
  }

  all(): AsyncIterableIterator<KeyValue<K, V>> {
    return this.#store.all();
  }

  approximateNumEntries(): Promise<number> {
    return this.#store.approximateNumEntries();
  }
}
