// suppress()'s buffer: Kafka Streams' InMemoryTimeOrderedKeyValueChangeBuffer. One entry per
// key (the latest change, the value the table had before the key was buffered, the record it
// came with), ordered by buffer time then key; a key buffered again keeps its place in time.
//
// The entries live in the task's bytes store (one per serialized key, in the changelogged
// layout of suppression-buffer-format.ts), so the store's changelog is the buffer's: one record
// per dirty key at commit, a tombstone for an evicted key, restored like any store. The order
// is kept in memory and rebuilt from the store when the task opens it.
import type { Serde, SerdeContext } from "../serdes/serde.js";
import { storeSerdeContext } from "./store-serde-context.js";
import type { KeyValueBytesStore } from "./key-value-store.js";
import type { StateStore } from "./state-store.js";
import type { BufferEntryBytes, BufferedRecordContext } from "./suppression-buffer-format.js";
import { bufferEntrySize, decodeBufferEntry, encodeBufferEntry } from "./suppression-buffer-format.js";

export type { BufferedRecordContext } from "./suppression-buffer-format.js";

/** A table's change of one key: its new value and the one it replaces. */
export interface BufferedChange<V> {
  readonly newValue: V | null;
  readonly oldValue: V | null;
}

/** What leaves the buffer: the key, its latest change, and the record that change came with. */
export interface Eviction<K, V> {
  readonly key: K;
  readonly value: BufferedChange<V>;
  readonly context: BufferedRecordContext;
}

interface Slot {
  readonly key: Buffer;
  readonly time: number;
  entry: BufferEntryBytes;
  size: number;
}

function compareSlots(a: { time: number; key: Buffer }, b: { time: number; key: Buffer }): number {
  return a.time === b.time ? Buffer.compare(a.key, b.key) : a.time < b.time ? -1 : 1;
}

export class SuppressionBuffer<K, V> implements StateStore {
  readonly bytes: KeyValueBytesStore;
  readonly #keySerde: Serde<K>;
  readonly #valueSerde: Serde<V>;
  readonly #keyContext: SerdeContext;
  readonly #valueContext: SerdeContext;
  readonly #index = new Map<string, Slot>();
  /** Every slot by (time, key): evictions take from the front. */
  #sorted: Slot[] = [];
  #size = 0;
  #loaded: Promise<void> | undefined;

  /** `topic`: the topic the serdes are told, Kafka Streams' `<applicationId>-<store>-changelog`. */
  constructor(bytes: KeyValueBytesStore, keySerde: Serde<K>, valueSerde: Serde<V>, topic?: string) {
    this.bytes = bytes;
    this.#keySerde = keySerde;
    this.#valueSerde = valueSerde;
    this.#keyContext = storeSerdeContext(bytes.name, "key", topic);
    this.#valueContext = storeSerdeContext(bytes.name, "value", topic);
  }

  get name(): string {
    return this.bytes.name;
  }

  /** Reads the entries the store holds (restored from the changelog) once, before the first use. */
  ready(): Promise<void> {
    this.#loaded ??= this.#load();
    return this.#loaded;
  }

  async #load(): Promise<void> {
    for await (const [key, value] of this.bytes.iterate({})) {
      const entry = decodeBufferEntry(value, this.name);
      const slot: Slot = { key: Buffer.from(key), time: entry.time, entry, size: bufferEntrySize(key, entry) };
      this.#index.set(slot.key.toString("hex"), slot);
      this.#sorted.push(slot);
      this.#size += slot.size;
    }
    this.#sorted.sort(compareSlots);
  }

  numRecords(): number {
    return this.#index.size;
  }

  /** The entries' estimated bytes (Kafka Streams' bufferSize). */
  bufferSize(): number {
    return this.#size;
  }

  /** The earliest buffer time, or Infinity when empty. */
  minTimestamp(): number {
    return this.#sorted[0]?.time ?? Number.POSITIVE_INFINITY;
  }

  /** Buffers `change` of `key` at `time`; a key already buffered keeps its time and its prior value. */
  async put(time: number, key: K, change: BufferedChange<V>, context: BufferedRecordContext): Promise<void> {
    await this.ready();
    const keyBytes = this.#keySerde.serialize(key, this.#keyContext);
    const newBytes = this.#serializeValue(change.newValue);
    const oldBytes = this.#serializeValue(change.oldValue);
    const id = keyBytes.toString("hex");
    const existing = this.#index.get(id);
    const prior = existing === undefined ? oldBytes : existing.entry.prior;
    // As Kafka Streams' BufferValue: an old value equal to the prior one is kept (and logged) once.
    const old = oldBytes !== null && prior !== null && oldBytes.equals(prior) ? prior : oldBytes;
    const entry: BufferEntryBytes = { context, prior, old, new: newBytes, time: existing?.time ?? time };
    const size = bufferEntrySize(keyBytes, entry);
    if (existing === undefined) {
      const slot: Slot = { key: keyBytes, time, entry, size };
      this.#index.set(id, slot);
      this.#insert(slot);
      this.#size += size;
    } else {
      this.#size += size - existing.size;
      existing.entry = entry;
      existing.size = size;
    }
    await this.bytes.put(keyBytes, encodeBufferEntry(entry));
  }

  /** Hands the earliest entries to `emit`, one at a time, and removes them, while `predicate` holds. */
  async evictWhile(predicate: () => boolean, emit: (eviction: Eviction<K, V>) => Promise<void>): Promise<void> {
    await this.ready();
    while (this.#sorted.length > 0 && predicate()) {
      const slot = this.#sorted.shift()!;
      this.#index.delete(slot.key.toString("hex"));
      this.#size -= slot.size;
      await this.bytes.delete(slot.key);
      await emit({
        key: this.#keySerde.deserialize(slot.key, this.#keyContext),
        value: { newValue: this.#deserializeValue(slot.entry.new), oldValue: this.#deserializeValue(slot.entry.old) },
        context: slot.entry.context,
      });
    }
  }

  /** The table's value before `key` was buffered, or undefined when the key is not buffered (priorValueForBuffered). */
  async priorValueForBuffered(key: K): Promise<{ value: V | null } | undefined> {
    await this.ready();
    const slot = this.#index.get(this.#keySerde.serialize(key, this.#keyContext).toString("hex"));
    return slot === undefined ? undefined : { value: this.#deserializeValue(slot.entry.prior) };
  }

  #insert(slot: Slot): void {
    const sorted = this.#sorted;
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareSlots(sorted[middle]!, slot) < 0) low = middle + 1;
      else high = middle;
    }
    sorted.splice(low, 0, slot);
  }

  #serializeValue(value: V | null): Buffer | null {
    return value === null || value === undefined ? null : this.#valueSerde.serialize(value, this.#valueContext);
  }

  #deserializeValue(bytes: Buffer | null): V | null {
    return bytes === null ? null : this.#valueSerde.deserialize(bytes, this.#valueContext);
  }
}
