// A ReadOnlyWindowStore that waits for the real one: the driver opens its stores
// asynchronously, while getWindowStore() answers at once.
import type { KeyValue } from "../stores/key-value-store.js";
import type { ReadOnlyWindowStore } from "../stores/window-store.js";
import type { Windowed } from "../serdes/windowed.js";

export class DeferredWindowStore<K, V> implements ReadOnlyWindowStore<K, V> {
  readonly name: string;
  readonly #store: Promise<ReadOnlyWindowStore<K, V>>;

  constructor(name: string, store: Promise<ReadOnlyWindowStore<K, V>>) {
    this.name = name;
    this.#store = store;
  }

  fetch(key: K, windowStart: number): Promise<V | undefined>;
  fetch(key: K, timeFrom: number, timeTo: number): AsyncIterableIterator<KeyValue<number, V>>;
  fetch(key: K, from: number, to?: number): Promise<V | undefined> | AsyncIterableIterator<KeyValue<number, V>> {
    if (to === undefined) return this.#store.then((store) => store.fetch(key, from));
    return this.#iterate((store) => store.fetch(key, from, to));
  }

  backwardFetch(key: K, timeFrom: number, timeTo: number): AsyncIterableIterator<KeyValue<number, V>> {
    return this.#iterate((store) => store.backwardFetch(key, timeFrom, timeTo));
  }

  fetchAll(timeFrom: number, timeTo: number): AsyncIterableIterator<KeyValue<Windowed<K>, V>> {
    return this.#iterate((store) => store.fetchAll(timeFrom, timeTo));
  }

  backwardFetchAll(timeFrom: number, timeTo: number): AsyncIterableIterator<KeyValue<Windowed<K>, V>> {
    return this.#iterate((store) => store.backwardFetchAll(timeFrom, timeTo));
  }

  all(): AsyncIterableIterator<KeyValue<Windowed<K>, V>> {
    return this.#iterate((store) => store.all());
  }

  async *#iterate<T>(open: (store: ReadOnlyWindowStore<K, V>) => AsyncIterableIterator<T>): AsyncIterableIterator<T> {
    yield* open(await this.#store);
  }
}
