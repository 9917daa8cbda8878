// A timestamped key-value store seen as a plain one: Kafka Streams' KeyValueStoreFacade /
// ReadOnlyKeyValueStoreFacade, what interactive queries and the TopologyTestDriver's
// getKeyValueStore() hand out for the DSL's stores. Reads drop the timestamps; a write
// through it has no record behind it, so its row gets Kafka's NO_TIMESTAMP (-1).
import type { KeyValue, KeyValueStore } from "./key-value-store.js";
import { NO_TIMESTAMP } from "./value-and-timestamp.js";
import type { ValueAndTimestamp } from "./value-and-timestamp.js";

export class KeyValueStoreFacade<K, V> implements KeyValueStore<K, V> {
  readonly #inner: KeyValueStore<K, ValueAndTimestamp<V>>;

  constructor(inner: KeyValueStore<K, ValueAndTimestamp<V>>) {
    this.#inner = inner;
  }

  get name(): string {
    return this.#inner.name;
  }

  async get(key: K): Promise<V | undefined> {
    return (await this.#inner.get(key))?.value;
  }

  get readsNow(): boolean {
    return this.#inner.readsNow === true;
  }

  get version(): number | undefined {
    return this.#inner.version;
  }

  getNow(key: K): V | undefined {
    if (this.#inner.getNow === undefined) throw new TypeError(`Store "${this.name}" cannot read without a promise`);
    return this.#inner.getNow(key)?.value;
  }

  put(key: K, value: V): Promise<void> {
    return this.#inner.put(key, stamped(value));
  }

  async putIfAbsent(key: K, value: V): Promise<V | undefined> {
    return (await this.#inner.putIfAbsent(key, stamped(value)))?.value;
  }

  putAll(entries: Iterable<KeyValue<K, V>>): Promise<void> {
    const stampedEntries: KeyValue<K, ValueAndTimestamp<V>>[] = [];
    for (const { key, value } of entries) stampedEntries.push({ key, value: stamped(value) });
    return this.#inner.putAll(stampedEntries);
  }

  async delete(key: K): Promise<V | undefined> {
    return (await this.#inner.delete(key))?.value;
  }

  range(from?: K, to?: K): AsyncIterableIterator<KeyValue<K, V>> {
    return values(this.#inner.range(from, to));
  }

  reverseRange(from?: K, to?: K): AsyncIterableIterator<KeyValue<K, V>> {
    return values(this.#inner.reverseRange(from, to));
  }

  prefixScan(prefix: K): AsyncIterableIterator<KeyValue<K, V>> {
    return values(this.#inner.prefixScan(prefix));
  }

  all(): AsyncIterableIterator<KeyValue<K, V>> {
    return values(this.#inner.all());
  }

  approximateNumEntries(): Promise<number> {
    return this.#inner.approximateNumEntries();
  }
}

/** null stays null: putting null deletes, in every store. */
function stamped<V>(value: V): ValueAndTimestamp<V> {
  return (value === null || value === undefined ? value : { value, timestamp: NO_TIMESTAMP }) as ValueAndTimestamp<V>;
}

async function* values<K, V>(
  entries: AsyncIterableIterator<KeyValue<K, ValueAndTimestamp<V>>>,
): AsyncIterableIterator<KeyValue<K, V>> {
  for await (const { key, value } of entries) yield { key, value: value.value };
}
