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
import { storeSerdeContext } from "./store-serde-context.js";
import { stringSerde } from "../serdes/text-and-bytes.js";
import type { Windowed } from "../serdes/windowed.js";
import type { KeyValue, KeyValueBytesStore } from "./key-value-store.js";
import { OverlayBytesStore } from "./overlay-bytes-store.js";
import { NO_STREAM_TIME } from "./store-stream-time.js";
import type { StreamTimeCell } from "./store-stream-time.js";
import {
  isStoreKeyOf,
  isWindowStoreKey,
  keyBytesOf,
  windowRangeOf,
  windowStartOf,
  windowStoreKey,
  windowStoreKeyOfString,
} from "./window-key-schema.js";
import { WindowRowIndex } from "./window-row-index.js";

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
  /** The most rows the writer's in-memory index of the store keeps (window-row-index.ts). */
  readonly maxIndexedRows?: number;
  /**
   * The store's clock, shared with its task (store-stream-time.ts): restored and standby
   * records advanced it, and queries expire windows by it. The store keeps its own when absent.
   */
  readonly streamTime?: StreamTimeCell;
  /**
   * The topic the store's serdes are told, as Kafka Streams' stores tell theirs their
   * changelog's (src/topology/store-serde-topic.ts); none when absent.
   */
  readonly topic?: string;
}

/** Kafka Streams' default segment interval for a window store of this retention. */
export function segmentIntervalOf(retentionMs: number): number {
  return Math.max(Math.floor(retentionMs / 2), 60_000);
}

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
  readonly #maxIndexedRows: number | undefined;
  readonly #clock: StreamTimeCell;
  /** The first segment still live at the last cleanup: older ones are gone. */
  #cleanedBelowSegment = 0;
  #seqnum = 0;
  /** The rows of the store, once its writer wrote first (built by one scan then). */
  #index: WindowRowIndex | undefined;
  /**
   * The last holdsRow() answer, while the index has not changed since: an aggregation asks
   * about a window when it reads it and again when it writes it.
   */
  #heldRow: string | undefined;
  #heldAnswer: boolean | undefined;

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
    this.#maxIndexedRows = options.maxIndexedRows;
    this.#keyContext = storeSerdeContext(bytes.name, "key", options.topic);
    this.#valueContext = storeSerdeContext(bytes.name, "value", options.topic);
    this.#clock = options.streamTime ?? { time: NO_STREAM_TIME, cleanedBelowSegment: 0 };
  }

  get name(): string {
    return this.bytes.name;
  }

  /** The latest window start observed (Kafka Streams' observedStreamTime); -1 before any. */
  get observedStreamTime(): number {
    return this.#clock.time;
  }

  get #observedStreamTime(): number {
    return this.#clock.time;
  }

  set #observedStreamTime(time: number) {
    this.#clock.time = time;
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

  /** The earliest window start a read may see. */
  protected get minLiveTime(): number {
    return this.#minLiveTime;
  }

  /** Resolves to false when the window had expired and the write was dropped (a join counts it). */
  async put(key: K, value: V | null, windowStart: number): Promise<boolean> {
    if (value === null || value === undefined) {
      // A join's store keeps every put apart: there is no one row to delete.
      if (this.#retainDuplicates) return this.#advance(windowStart);
      return this.writeRow(this.storeKeyOf(key, windowStart, 0), null, windowStart);
    }
    const storeKey = this.storeKeyOf(key, windowStart, this.#retainDuplicates ? this.#seqnum + 1 : 0);
    const valueBytes = this.valueSerde.serialize(value, this.#valueContext);
    if (this.#retainDuplicates) this.#seqnum = (this.#seqnum + 1) >>> 0;
    return this.writeRow(storeKey, valueBytes, windowStart);
  }

  /** The store key of `key`'s window at `windowStart` (a string key's bytes written in place). */
  protected storeKeyOf(key: K, windowStart: number, seqnum: number): Buffer {
    if (typeof key === "string" && (this.keySerde as Serde<unknown>) === stringSerde) {
      return windowStoreKeyOfString(key, windowStart, seqnum);
    }
    return windowStoreKey(this.keySerde.serialize(key, this.#keyContext), windowStart, seqnum);
  }

  /** put() of a row in its stored form: the store key and the value bytes (null deletes). */
  protected async writeRow(storeKey: Buffer, value: Buffer | null, windowStart: number): Promise<boolean> {
    if (!(await this.#advance(windowStart))) return false;
    if (value === null) await this.bytes.delete(storeKey);
    else await this.bytes.put(storeKey, value);
    this.#indexRow(storeKey.toString("latin1"), value, windowStart);
    return true;
  }

  /**
   * writeRow() done before it returns, when it can be: the bytes beneath are the task's
   * overlay (writes touch memory only) and the index is built (an expired segment's rows
   * are known by name). False when only writeRow() can do it. The caller checked accepts().
   */
  protected writeRowNow(storeKey: Buffer, row: string, value: Buffer | null, windowStart: number): boolean {
    const bytes = this.bytes;
    const index = this.#index;
    if (!(bytes instanceof OverlayBytesStore) || index === undefined || !index.complete) return false;
    this.#observedStreamTime = Math.max(this.#observedStreamTime, windowStart);
    const minLiveSegment = this.#minLiveSegment();
    if (minLiveSegment > this.#cleanedBelowSegment) {
      this.#cleanedBelowSegment = minLiveSegment;
      this.#heldRow = undefined;
      const expired = index.takeBefore(minLiveSegment) ?? [];
      for (const row of expired) bytes.dropNow(row);
      this.dropped(expired);
    }
    bytes.writeNow(storeKey, value);
    this.#indexRow(row, value, windowStart);
    return true;
  }

  /**
   * Whether the store holds the row (its store key as latin1) of a window that starts at
   * `windowStart`, as the index knows it: undefined when it cannot tell (not built yet,
   * or given up).
   */
  protected holdsRow(row: string, windowStart: number): boolean | undefined {
    if (row === this.#heldRow) return this.#heldAnswer;
    const held = this.#index?.has(Math.floor(windowStart / this.segmentIntervalMs), row);
    this.#heldRow = row;
    this.#heldAnswer = held;
    return held;
  }

  /**
   * The rows (store keys as latin1) of expired segments, which the store is deleting:
   * no read sees them again. A cached store forgets them (caching-window-store.ts).
   */
  protected dropped(_rows: readonly string[]): void {}

  /** Stream time moves to `windowStart`; false when its segment has expired (the write is dropped). */
  async #advance(windowStart: number): Promise<boolean> {
    this.#observedStreamTime = Math.max(this.#observedStreamTime, windowStart);
    const minLiveSegment = this.#minLiveSegment();
    // Kafka Streams drops a write into a segment that has expired.
    if (Math.floor(windowStart / this.segmentIntervalMs) < minLiveSegment) return false;
    if (this.#index === undefined) await this.#buildIndex(minLiveSegment);
    else if (minLiveSegment > this.#cleanedBelowSegment) await this.#dropExpired(minLiveSegment);
    return true;
  }

  #minLiveSegment(): number {
    return Math.floor(Math.max(0, this.#observedStreamTime - this.retentionMs) / this.segmentIntervalMs);
  }

  #indexRow(row: string, value: Buffer | null, windowStart: number): void {
    this.#heldRow = undefined;
    const segment = Math.floor(windowStart / this.segmentIntervalMs);
    if (value === null) this.#index?.remove(segment, row);
    else this.#index?.add(segment, row);
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
    const storeKey = this.storeKeyOf(key, windowStart, 0);
    return this.readRow(storeKey, storeKey.toString("latin1"), windowStart);
  }

  /** A row's value, read only when the index does not know the store lacks it. */
  protected async readRow(storeKey: Buffer, row: string, windowStart: number): Promise<V | undefined> {
    if (this.holdsRow(row, windowStart) === false) return undefined;
    const bytes = await this.bytes.get(storeKey);
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

  /**
   * The writer's first write: one scan of the store indexes the rows a restore or an
   * earlier owner left, and deletes those of segments before `minLiveSegment`.
   */
  async #buildIndex(minLiveSegment: number): Promise<void> {
    const index = new WindowRowIndex(this.#maxIndexedRows);
    const expired: string[] = [];
    for await (const [storeKey] of this.bytes.iterate({})) {
      if (!isWindowStoreKey(storeKey)) continue;
      const segment = Math.floor(windowStartOf(storeKey) / this.segmentIntervalMs);
      if (segment < minLiveSegment) expired.push(storeKey.toString("latin1"));
      else index.add(segment, storeKey.toString("latin1"));
    }
    this.#index = index;
    this.#heldRow = undefined;
    this.#cleanedBelowSegment = minLiveSegment;
    await this.#drop(expired);
  }

  /**
   * Deletes the windows of segments before `minLiveSegment` (Kafka Streams drops the
   * segments whole): those the index names, or, once it gave up, those a scan finds.
   */
  async #dropExpired(minLiveSegment: number): Promise<void> {
    this.#cleanedBelowSegment = minLiveSegment;
    this.#heldRow = undefined;
    const indexed = this.#index?.takeBefore(minLiveSegment);
    if (indexed !== undefined) {
      this.dropped(indexed);
      return this.#drop(indexed);
    }
    const expiredBefore = minLiveSegment * this.segmentIntervalMs;
    const expired: string[] = [];
    for await (const [storeKey] of this.bytes.iterate({})) {
      if (isWindowStoreKey(storeKey) && windowStartOf(storeKey) < expiredBefore)
        expired.push(storeKey.toString("latin1"));
    }
    await this.#drop(expired);
  }

  /**
   * Deletes expired rows. Kafka Streams drops a whole segment without a changelog record
   * (the windowed changelog's retention.ms takes them off the topic): over the task's
   * overlay the deletes are left out of the changelog too.
   */
  async #drop(rows: readonly string[]): Promise<void> {
    if (rows.length === 0) return;
    const bytes = this.bytes;
    if (bytes instanceof OverlayBytesStore) for (const row of rows) bytes.dropNow(row);
    else await bytes.write(rows.map((row): [Buffer, null] => [Buffer.from(row, "latin1"), null]));
  }
}
