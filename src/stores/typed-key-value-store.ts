// A KeyValueStore<K, V> over any ordered bytes store: it applies the key and value
// serdes and nothing else. Order is the order of the serialized keys (so a
// Serdes.long() key orders negative numbers after positive ones, as in Kafka Streams).
import type { Serde, SerdeContext } from "../serdes/serde.js";
import { storeSerdeContext } from "./store-serde-context.js";
import { Serdes } from "../serdes/serdes.js";
import { prefixRange } from "./bytes-order.js";
import type { BytesRange, KeyValue, KeyValueBytesStore, KeyValueStore } from "./key-value-store.js";

export class TypedKeyValueStore<K, V> implements KeyValueStore<K, V> {
  readonly name: string;
  readonly bytes: KeyValueBytesStore;
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  protected readonly keyContext: SerdeContext;
  protected readonly valueContext: SerdeContext;

  /**
   * Values default to MessagePack: compact, and any plain data round-trips. `topic`: the
   * topic the serdes are told (src/topology/store-serde-topic.ts).
   */
  constructor(
    bytes: KeyValueBytesStore,
    keySerde: Serde<K>,
    valueSerde: Serde<V> = Serdes.msgpack<V>(),
    topic?: string,
  ) {
    this.name = bytes.name;
    this.bytes = bytes;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
    this.keyContext = storeSerdeContext(bytes.name, "key", topic);
    this.valueContext = storeSerdeContext(bytes.name, "value", topic);
  }

  async get(key: K): Promise<V | undefined> {
    const value = await this.bytes.get(this.keySerde.serialize(key, this.keyContext));
    return value === undefined ? undefined : this.valueSerde.deserialize(value, this.valueContext);
  }

  /** The bytes store beneath answers reads at once (committed state in memory or LevelDB, not an overlay). */
  get readsNow(): boolean {
    return this.bytes.getNow !== undefined;
  }

  get version(): number | undefined {
    return this.bytes.version;
  }

  /** get() without the promise; only where readsNow is true. */
  getNow(key: K): V | undefined {
    if (this.bytes.getNow === undefined) throw new TypeError(`Store "${this.name}" cannot read without a promise`);
    const value = this.bytes.getNow(this.keySerde.serialize(key, this.keyContext));
    return value === undefined ? undefined : this.valueSerde.deserialize(value, this.valueContext);
  }

  /** As in Kafka Streams, putting null (or undefined) deletes the key. */
  async put(key: K, value: V): Promise<void> {
    const keyBytes = this.keySerde.serialize(key, this.keyContext);
    if (value === null || value === undefined) await this.bytes.delete(keyBytes);
    else await this.bytes.put(keyBytes, this.valueSerde.serialize(value, this.valueContext));
  }

  // Read-then-write: atomic because a task processes one record at a time and nothing
  // else writes to its stores.
  async putIfAbsent(key: K, value: V): Promise<V | undefined> {
    const keyBytes = this.keySerde.serialize(key, this.keyContext);
    const existing = await this.bytes.get(keyBytes);
    if (existing !== undefined) return this.valueSerde.deserialize(existing, this.valueContext);
    if (value !== null && value !== undefined) {
      await this.bytes.put(keyBytes, this.valueSerde.serialize(value, this.valueContext));
    }
    return undefined;
  }

  /** One atomic batch; a key given twice keeps its last value. */
  async putAll(entries: Iterable<KeyValue<K, V>>): Promise<void> {
    const batch: [Buffer, Buffer | null][] = [];
    for (const { key, value } of entries) {
      batch.push([
        this.keySerde.serialize(key, this.keyContext),
        value === null || value === undefined ? null : this.valueSerde.serialize(value, this.valueContext),
      ]);
    }
    if (batch.length > 0) await this.bytes.write(batch);
  }

  async delete(key: K): Promise<V | undefined> {
    const keyBytes = this.keySerde.serialize(key, this.keyContext);
    const existing = await this.bytes.get(keyBytes);
    if (existing === undefined) return undefined;
    await this.bytes.delete(keyBytes);
    return this.valueSerde.deserialize(existing, this.valueContext);
  }

  range(from?: K, to?: K): AsyncIterableIterator<KeyValue<K, V>> {
    return this.#entries(this.#bounds(from, to, false));
  }

  /** From `to` down to `from` (both inclusive): the bounds keep their meaning, only the direction changes. */
  reverseRange(from?: K, to?: K): AsyncIterableIterator<KeyValue<K, V>> {
    return this.#entries(this.#bounds(from, to, true));
  }

  /**
   * Entries whose serialized key starts with the serialized prefix. Meaningful for
   * keys whose serialization is prefix-preserving (Serdes.string(), Serdes.bytes());
   * with Serdes.json() the closing quote of "ab" stops it matching "abc".
   */
  prefixScan(prefix: K): AsyncIterableIterator<KeyValue<K, V>> {
    return this.#entries(prefixRange(this.keySerde.serialize(prefix, this.keyContext)));
  }

  all(): AsyncIterableIterator<KeyValue<K, V>> {
    return this.#entries({});
  }

  approximateNumEntries(): Promise<number> {
    return this.bytes.approximateNumEntries();
  }

  #bounds(from: K | undefined, to: K | undefined, reverse: boolean): BytesRange {
    const range: BytesRange = { reverse };
    if (from !== undefined) range.gte = this.keySerde.serialize(from, this.keyContext);
    if (to !== undefined) range.lte = this.keySerde.serialize(to, this.keyContext);
    return range;
  }

  async *#entries(range: BytesRange): AsyncIterableIterator<KeyValue<K, V>> {
    for await (const [key, value] of this.bytes.iterate(range)) {
      yield {
        key: this.keySerde.deserialize(key, this.keyContext),
        value: this.valueSerde.deserialize(value, this.valueContext),
      };
    }
  }
}
