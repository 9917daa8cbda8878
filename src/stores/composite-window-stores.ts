// A window or session store over every local task that holds it (Kafka Streams'
// CompositeReadOnlyWindowStore and CompositeReadOnlySessionStore), for queries that do not
// know which task holds a key: a key lives in one task, so a lookup answers from the first
// task that has it; fetchAll and all go through every task, one after the other. The tasks
// are asked for anew at each call (a rebalance may move them); none queryable is an error.
import type { Windowed } from "../serdes/windowed.js";
import type { KeyValue } from "./key-value-store.js";
import type { ReadOnlySessionStore } from "./session-store.js";
import type { ReadOnlyWindowStore } from "./window-store.js";

/** The stores of the tasks that can answer now; throws when there are none. */
export type StoreProvider<S> = () => readonly S[];

/** The first iterator that yields anything (the one task that holds the key), else nothing. */
async function* firstNonEmpty<T>(
  stores: readonly unknown[],
  open: (index: number) => AsyncIterableIterator<T>,
): AsyncIterableIterator<T> {
  for (let index = 0; index < stores.length; index += 1) {
    const entries = open(index);
    const first = await entries.next();
    if (first.done === true) continue;
    yield first.value;
    yield* entries;
    return;
  }
}

async function* concatenated<S, T>(
  stores: readonly S[],
  open: (store: S) => AsyncIterableIterator<T>,
): AsyncIterableIterator<T> {
  for (const store of stores) yield* open(store);
}

export class CompositeReadOnlyWindowStore<K, V> implements ReadOnlyWindowStore<K, V> {
  readonly name: string;
  readonly #stores: StoreProvider<ReadOnlyWindowStore<K, V>>;

  constructor(name: string, stores: StoreProvider<ReadOnlyWindowStore<K, V>>) {
    this.name = name;
    this.#stores = stores;
  }

  fetch(key: K, windowStart: number): Promise<V | undefined>;
  fetch(key: K, timeFrom: number, timeTo: number): AsyncIterableIterator<KeyValue<number, V>>;
  fetch(key: K, from: number, to?: number): Promise<V | undefined> | AsyncIterableIterator<KeyValue<number, V>> {
    if (to === undefined) return this.#fetchOne(key, from);
    return this.#first((store) => store.fetch(key, from, to));
  }

  backwardFetch(key: K, timeFrom: number, timeTo: number): AsyncIterableIterator<KeyValue<number, V>> {
    return this.#first((store) => store.backwardFetch(key, timeFrom, timeTo));
  }

  fetchAll(timeFrom: number, timeTo: number): AsyncIterableIterator<KeyValue<Windowed<K>, V>> {
    return this.#every((store) => store.fetchAll(timeFrom, timeTo));
  }

  backwardFetchAll(timeFrom: number, timeTo: number): AsyncIterableIterator<KeyValue<Windowed<K>, V>> {
    return this.#every((store) => store.backwardFetchAll(timeFrom, timeTo));
  }

  all(): AsyncIterableIterator<KeyValue<Windowed<K>, V>> {
    return this.#every((store) => store.all());
  }

  async #fetchOne(key: K, windowStart: number): Promise<V | undefined> {
    for (const store of this.#stores()) {
      const value = await store.fetch(key, windowStart);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  async *#first<T>(open: (store: ReadOnlyWindowStore<K, V>) => AsyncIterableIterator<T>): AsyncIterableIterator<T> {
    const stores = this.#stores();
    yield* firstNonEmpty(stores, (index) => open(stores[index]!));
  }

  async *#every<T>(open: (store: ReadOnlyWindowStore<K, V>) => AsyncIterableIterator<T>): AsyncIterableIterator<T> {
    yield* concatenated(this.#stores(), open);
  }
}

export class CompositeReadOnlySessionStore<K, V> implements ReadOnlySessionStore<K, V> {
  readonly name: string;
  readonly #stores: StoreProvider<ReadOnlySessionStore<K, V>>;

  constructor(name: string, stores: StoreProvider<ReadOnlySessionStore<K, V>>) {
    this.name = name;
    this.#stores = stores;
  }

  async *fetch(key: K): AsyncIterableIterator<KeyValue<Windowed<K>, V>> {
    const stores = this.#stores();
    yield* firstNonEmpty(stores, (index) => stores[index]!.fetch(key));
  }

  async *findSessions(
    key: K,
    earliestSessionEndTime: number,
    latestSessionStartTime: number,
  ): AsyncIterableIterator<KeyValue<Windowed<K>, V>> {
    const stores = this.#stores();
    yield* firstNonEmpty(stores, (index) =>
      stores[index]!.findSessions(key, earliestSessionEndTime, latestSessionStartTime),
    );
  }

  async fetchSession(key: K, sessionStart: number, sessionEnd: number): Promise<V | undefined> {
    for (const store of this.#stores()) {
      const value = await store.fetchSession(key, sessionStart, sessionEnd);
      if (value !== undefined) return value;
    }
    return undefined;
  }
}
