// Window stores (Kafka Streams' WindowStore / ReadOnlyWindowStore): values per key and
// window start, over an ordered bytes store laid out as WindowKeySchema
// (window-key-schema.ts), kept for a retention period measured in stream time.
//
// Retention follows Kafka Streams' segmented stores: the store observes the latest
// window start written (its stream time); a window that starts at or before
// streamTime - retention is expired: reads no longer see it, a write to it is dropped,
// and the expired windows are deleted once per segment interval (max(retention / 2,
// 60 s), Kafka Streams' default) as stream time passes it. Deletes go through the store
// beneath like any write, so the changelog compacts them away.
import type { Serde, SerdeContext } from "../serdes/serde.js";
import type { Windowed } from "../serdes/windowed.js";
import type { KeyValue, KeyValueBytesStore } from "./key-value-store.js";
import type { ValueAndTimestamp } from "./value-and-timestamp.js";
import {
  isStoreKeyOf,
  isWindowStoreKey,
  keyBytesOf,
  windowRangeOf,
  windowStartOf,
  windowStoreKey,
} from "./window-key-schema.js";

/** What interactive queries may do with a window store: reads only. Times are window starts, bounds inclusive. */
export interface ReadOnlyWindowStore<K, V> {
  readonly name: string;
  /** The value of `key`'s window that starts at `windowStart`. */
  fetch(key: K, windowStart: number): Promise<V | undefined>;
  /** `key`'s windows that start in [timeFrom, timeTo], oldest first: `{ key: windowStart, value }`. */
  fetch(key: K, timeFrom: number, timeTo: number): AsyncIterableIterator<KeyValue<number, V>>;
  /** As fetch(key, timeFrom, timeTo), newest first. */
  backwardFetch(key: K, timeFrom: number, timeTo: number): AsyncIterableIterator<KeyValue<number, V>>;
  /** Every key's windows that start in [timeFrom, timeTo], by key, then by start. */
  fetchAll(timeFrom: number, timeTo: number): AsyncIterableIterator<KeyValue<Windowed<K>, V>>;
  backwardFetchAll(timeFrom: number, timeTo: number): AsyncIterableIterator<KeyValue<Windowed<K>, V>>;
  /** Every live window, by key, then by start. */
  all(): AsyncIterableIterator<KeyValue<Windowed<K>, V>>;
}

export interface WindowStore<K, V> extends ReadOnlyWindowStore<K, V> {
  /**
   * Writes (or, with null, deletes) `key`'s window that starts at `windowStart`. May
   * resolve to false when the window had already expired and the write was dropped.
   */
  put(key: K, value: V | null, windowStart: number): Promise<boolean | void>;
}

export interface WindowStoreOptions {
  /** The windows' size: a window's end is its start + size (for fetchAll's keys). */
  readonly windowSizeMs: number;
  /** How long (in stream time) a window is kept after its start. */
  readonly retentionMs: number;
  /** Keep every put of a key and start apart (a join's window store) instead of overwriting. */
  readonly retainDuplicates?: boolean;
  /** Kafka Streams' time-ordered store (emit on window close): a window at stream time - retention is still live. */
  readonly timeOrdered?: boolean;
}

/** Kafka Streams' default segment interval for a window store of this retention. */
export function segmentIntervalOf(retentionMs: number): number {
  return Math.max(Math.floor(retentionMs / 2), 60_000);
}

const NO_TIMESTAMP = -1;

export class TypedWindowStore<K, V> implements WindowStore<K, V> {
  readonly bytes: KeyValueBytesStore;
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  readonly windowSizeMs: number;
  readonly retentionMs: number;
  readonly segmentIntervalMs: number;
  readonly #retainDuplicates: boolean;
  readonly #timeOrdered: boolean;
  readonly #keyContext: SerdeContext;
  readonly #valueContext: SerdeContext;
  #observedStreamTime = NO_TIMESTAMP;
  /** The first segment still live at the last cleanup: older ones are gone. */
  #cleanedBelowSegment = 0;
  #seqnum = 0;

  constructor(bytes: KeyValueBytesStore, keySerde: Serde<K>, valueSerde: Serde<V>, options: WindowStoreOptions) {
    // A join's windows may be empty (before = after = 0: records of the same time join).
    const minSize = options.retainDuplicates === true ? 0 : 1;
    if (!(options.windowSizeMs >= minSize) || !(options.retentionMs >= options.windowSizeMs)) {
      throw new RangeError(
        `Window store "${bytes.name}" needs a size >= ${minSize} and a retention >= its size, got size ${options.windowSizeMs} and retention ${options.retentionMs}`,
      );
    }
    this.bytes = bytes;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
    this.windowSizeMs = options.windowSizeMs;
    this.retentionMs = options.retentionMs;
    this.segmentIntervalMs = segmentIntervalOf(options.retentionMs);
    this.#retainDuplicates = options.retainDuplicates ?? false;
    this.#timeOrdered = options.timeOrdered ?? false;
    this.#keyContext = { store: bytes.name, part: "key" };
    this.#valueContext = { store: bytes.name, part: "value" };
  }

  get name(): string {
    return this.bytes.name;
  }

  /** The latest window start written (Kafka Streams' observedStreamTime); -1 before the first write. */
  get observedStreamTime(): number {
    return this.#observedStreamTime;
  }

  /** The earliest window start still live. */
  get #minLiveTime(): number {
    return this.#observedStreamTime - this.retentionMs + (this.#timeOrdered ? 0 : 1);
  }

  /** Whether a put of `windowStart` would be kept (not dropped for an expired segment). */
  accepts(windowStart: number): boolean {
    const streamTime = Math.max(this.#observedStreamTime, windowStart);
    const minLiveSegment = Math.floor(Math.max(0, streamTime - this.retentionMs) / this.segmentIntervalMs);
    return Math.floor(windowStart / this.segmentIntervalMs) >= minLiveSegment;
  }

  /** Resolves to false when the window had expired and the write was dropped (a join counts it). */
  async put(key: K, value: V | null, windowStart: number): Promise<boolean> {
    this.#observedStreamTime = Math.max(this.#observedStreamTime, windowStart);
    const minLiveSegment = Math.floor(
      Math.max(0, this.#observedStreamTime - this.retentionMs) / this.segmentIntervalMs,
    );
    // Kafka Streams drops a write into a segment that has expired.
    if (Math.floor(windowStart / this.segmentIntervalMs) < minLiveSegment) return false;
    if (minLiveSegment > this.#cleanedBelowSegment) await this.#dropExpired(minLiveSegment);
    const keyBytes = this.keySerde.serialize(key, this.#keyContext);
    if (value === null || value === undefined) {
      if (!this.#retainDuplicates) await this.bytes.delete(windowStoreKey(keyBytes, windowStart, 0));
      return true;
    }
    const seqnum = this.#retainDuplicates ? (this.#seqnum = (this.#seqnum + 1) >>> 0) : 0;
    await this.bytes.put(
      windowStoreKey(keyBytes, windowStart, seqnum),
      this.valueSerde.serialize(value, this.#valueContext),
    );
    return true;
  }

  fetch(key: K, windowStart: number): Promise<V | undefined>;
  fetch(key: K, timeFrom: number, timeTo: number): AsyncIterableIterator<KeyValue<number, V>>;
  fetch(key: K, from: number, to?: number): Promise<V | undefined> | AsyncIterableIterator<KeyValue<number, V>> {
    if (to === undefined) return this.#get(key, from);
    return this.#fetch(key, from, to, false);
  }

  backwardFetch(key: K, timeFrom: number, timeTo: number): AsyncIterableIterator<KeyValue<number, V>> {
    return this.#fetch(key, timeFrom, timeTo, true);
  }

  fetchAll(timeFrom: number, timeTo: number): AsyncIterableIterator<KeyValue<Windowed<K>, V>> {
    return this.#scan(timeFrom, timeTo, false);
  }

  backwardFetchAll(timeFrom: number, timeTo: number): AsyncIterableIterator<KeyValue<Windowed<K>, V>> {
    return this.#scan(timeFrom, timeTo, true);
  }

  all(): AsyncIterableIterator<KeyValue<Windowed<K>, V>> {
    return this.#scan(0, Number.MAX_SAFE_INTEGER, false);
  }

  async #get(key: K, windowStart: number): Promise<V | undefined> {
    if (windowStart < this.#minLiveTime) return undefined;
    const bytes = await this.bytes.get(windowStoreKey(this.keySerde.serialize(key, this.#keyContext), windowStart, 0));
    return bytes === undefined ? undefined : this.valueSerde.deserialize(bytes, this.#valueContext);
  }

  async *#fetch(key: K, from: number, to: number, reverse: boolean): AsyncIterableIterator<KeyValue<number, V>> {
    const actualFrom = Math.max(from, this.#minLiveTime);
    if (to < actualFrom) return;
    const keyBytes = this.keySerde.serialize(key, this.#keyContext);
    for await (const [storeKey, value] of this.bytes.iterate({ ...windowRangeOf(keyBytes, actualFrom, to), reverse })) {
      if (!isStoreKeyOf(storeKey, keyBytes)) continue;
      yield { key: windowStartOf(storeKey), value: this.valueSerde.deserialize(value, this.#valueContext) };
    }
  }

  async *#scan(from: number, to: number, reverse: boolean): AsyncIterableIterator<KeyValue<Windowed<K>, V>> {
    const actualFrom = Math.max(from, this.#minLiveTime);
    if (to < actualFrom) return;
    for await (const [storeKey, value] of this.bytes.iterate({ reverse })) {
      if (!isWindowStoreKey(storeKey)) continue;
      const start = windowStartOf(storeKey);
      if (start < actualFrom || start > to) continue;
      yield {
        key: {
          key: this.keySerde.deserialize(keyBytesOf(storeKey), this.#keyContext),
          window: { start, end: Math.min(start + this.windowSizeMs, Number.MAX_SAFE_INTEGER) },
        },
        value: this.valueSerde.deserialize(value, this.#valueContext),
      };
    }
  }

  /**
   * Every key's windows that start in [timeFrom, timeTo], oldest first and, within one
   * start, by key bytes: the order of Kafka Streams' time-ordered window store, which an
   * aggregation emitting on window close reads its closed windows from. The range is read
   * whole before the first is returned (a scan of the store, as it is laid out by key).
   */
  async *fetchAllInTimeOrder(timeFrom: number, timeTo: number): AsyncIterableIterator<KeyValue<Windowed<K>, V>> {
    const actualFrom = Math.max(timeFrom, this.#minLiveTime);
    if (timeTo < actualFrom) return;
    const found: { start: number; key: Buffer; value: Buffer }[] = [];
    for await (const [storeKey, value] of this.bytes.iterate({})) {
      if (!isWindowStoreKey(storeKey)) continue;
      const start = windowStartOf(storeKey);
      if (start >= actualFrom && start <= timeTo) found.push({ start, key: Buffer.from(keyBytesOf(storeKey)), value });
    }
    found.sort((a, b) => a.start - b.start || Buffer.compare(a.key, b.key));
    for (const { start, key, value } of found) {
      yield {
        key: {
          key: this.keySerde.deserialize(key, this.#keyContext),
          window: { start, end: Math.min(start + this.windowSizeMs, Number.MAX_SAFE_INTEGER) },
        },
        value: this.valueSerde.deserialize(value, this.#valueContext),
      };
    }
  }

  /** Deletes the windows of segments before `minLiveSegment` (Kafka Streams drops the segments whole). */
  async #dropExpired(minLiveSegment: number): Promise<void> {
    this.#cleanedBelowSegment = minLiveSegment;
    const expiredBefore = minLiveSegment * this.segmentIntervalMs;
    const expired: Buffer[] = [];
    for await (const [storeKey] of this.bytes.iterate({})) {
      if (isWindowStoreKey(storeKey) && windowStartOf(storeKey) < expiredBefore) expired.push(storeKey);
    }
    for (const storeKey of expired) await this.bytes.delete(storeKey);
  }
}

/** A timestamped window store seen with plain values (Kafka Streams' ReadOnlyWindowStoreFacade). */
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
