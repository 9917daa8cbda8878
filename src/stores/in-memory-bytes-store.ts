// The in-memory bytes store: what the TopologyTestDriver uses by default, and what a
// user picks for small, fast-to-restore state (Kafka Streams' Stores.inMemoryKeyValueStore).
import { isEmptyRange, keyBounds } from "./bytes-order.js";
import { StoreClosedError } from "./errors.js";
import type { BytesRange, KeyValueBytesStore } from "./key-value-store.js";
import { OrderedBytesMap } from "./ordered-bytes-map.js";

/**
 * Keeps the Buffers it is given, without copying: callers must not modify a key or a
 * value after handing it over (serdes always return fresh buffers). Iterators are
 * weakly consistent: see OrderedBytesMap.scan.
 */
export class InMemoryKeyValueBytesStore implements KeyValueBytesStore {
  readonly name: string;
  readonly #map = new OrderedBytesMap<Buffer>();
  #closed = false;
  #version = 0;

  constructor(name: string) {
    this.name = name;
  }

  get isOpen(): boolean {
    return !this.#closed;
  }

  async get(key: Buffer): Promise<Buffer | undefined> {
    return this.getNow(key);
  }

  /** See KeyValueBytesStore.version. */
  get version(): number {
    return this.#closed ? -1 : this.#version;
  }

  getNow(key: Buffer): Buffer | undefined {
    if (this.#closed) throw new StoreClosedError(this.name);
    return this.#map.get(key);
  }

  async put(key: Buffer, value: Buffer): Promise<void> {
    if (this.#closed) throw new StoreClosedError(this.name);
    this.#map.set(key, value);
    this.#version += 1;
  }

  async delete(key: Buffer): Promise<void> {
    if (this.#closed) throw new StoreClosedError(this.name);
    this.#map.delete(key);
    this.#version += 1;
  }

  async write(batch: Iterable<[Buffer, Buffer | null]>): Promise<void> {
    if (this.#closed) throw new StoreClosedError(this.name);
    // Drain the batch before touching the map, so a throwing iterable applies nothing.
    const entries = Array.isArray(batch) ? (batch as [Buffer, Buffer | null][]) : [...batch];
    this.applySync(entries);
  }

  /** Applies a batch synchronously: the in-memory task state commits through this. */
  applySync(entries: Iterable<[Buffer, Buffer | null]>): void {
    if (this.#closed) throw new StoreClosedError(this.name);
    this.#version += 1;
    for (const [key, value] of entries) {
      if (value === null) this.#map.delete(key);
      else this.#map.set(key, value);
    }
  }

  async *iterate(range: BytesRange): AsyncIterableIterator<[Buffer, Buffer]> {
    if (this.#closed) throw new StoreClosedError(this.name);
    const bounds = keyBounds(range);
    if (isEmptyRange(bounds)) return;
    for (const entry of this.#map.scan(bounds, range.reverse === true)) {
      if (this.#closed) throw new StoreClosedError(this.name);
      yield entry;
    }
  }

  async approximateNumEntries(): Promise<number> {
    if (this.#closed) throw new StoreClosedError(this.name);
    return this.#map.size;
  }

  /** Drops the data: an in-memory store's state lives only as long as it is open. */
  close(): void {
    this.#closed = true;
    this.#map.clear();
  }
}
