// A ReadOnlySessionStore that waits for the real one: the driver opens its stores
// asynchronously, while getSessionStore() answers at once.
import type { KeyValue } from "../stores/key-value-store.js";
import type { ReadOnlySessionStore } from "../stores/session-store.js";
import type { Windowed } from "../serdes/windowed.js";

export class DeferredSessionStore<K, V> implements ReadOnlySessionStore<K, V> {
  readonly name: string;
  readonly #store: Promise<ReadOnlySessionStore<K, V>>;

  constructor(name: string, store: Promise<ReadOnlySessionStore<K, V>>) {
    this.name = name;
    this.#store = store;
  }

  async *fetch(key: K): AsyncIterableIterator<KeyValue<Windowed<K>, V>> {
    yield* (await this.#store).fetch(key);
  }

  async *findSessions(
    key: K,
    earliestSessionEndTime: number,
    latestSessionStartTime: number,
  ): AsyncIterableIterator<KeyValue<Windowed<K>, V>> {
    yield* (await this.#store).findSessions(key, earliestSessionEndTime, latestSessionStartTime);
  }

  async fetchSession(key: K, sessionStart: number, sessionEnd: number): Promise<V | undefined> {
    return (await this.#store).fetchSession(key, sessionStart, sessionEnd);
  }
}
