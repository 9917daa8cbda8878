// A timestamped window store seen with plain values (Kafka Streams'
// ReadOnlyWindowStoreFacade): what interactive queries of a DSL window store read.
import type { Windowed } from "../serdes/windowed.js";
import type { KeyValue } from "./key-value-store.js";
import type { ValueAndTimestamp } from "./value-and-timestamp.js";
import type { ReadOnlyWindowStore } from "./window-store.js";

export class WindowStoreFacade<K, V> implements ReadOnlyWindowStore<K, V> {
  readonly #inner: ReadOnlyWindowStore<K, ValueAndTimestamp<V>>;

  constructor(inner: ReadOnlyWindowStore<K, ValueAndTimestamp<V>>) {
    this.#inner = inner;
  }

  get name(): string {
    return this.#inner.name;
  }

  fetch(key: K, windowStart: number): Promise<V | undefined>;
  fetch(key: K, timeFrom: number, timeTo: number): AsyncIterableIterator<KeyValue<number, V>>;
  fetch(key: K, from: number, to?: number): Promise<V | undefined> | AsyncIterableIterator<KeyValue<number, V>> {
    if (to === undefined) return this.#inner.fetch(key, from).then((stamped) => stamped?.value);
    return plain(this.#inner.fetch(key, from, to));
  }

  backwardFetch(key: K, timeFrom: number, timeTo: number): AsyncIterableIterator<KeyValue<number, V>> {
    return plain(this.#inner.backwardFetch(key, timeFrom, timeTo));
  }

  fetchAll(timeFrom: number, timeTo: number): AsyncIterableIterator<KeyValue<Windowed<K>, V>> {
    return plain(this.#inner.fetchAll(timeFrom, timeTo));
  }

  backwardFetchAll(timeFrom: number, timeTo: number): AsyncIterableIterator<KeyValue<Windowed<K>, V>> {
    return plain(this.#inner.backwardFetchAll(timeFrom, timeTo));
  }

  all(): AsyncIterableIterator<KeyValue<Windowed<K>, V>> {
    return plain(this.#inner.all());
  }
}

async function* plain<K, V>(
  entries: AsyncIterableIterator<KeyValue<K, ValueAndTimestamp<V>>>,
): AsyncIterableIterator<KeyValue<K, V>> {
  for await (const { key, value } of entries) yield { key, value: value.value };
}
