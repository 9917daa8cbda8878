// Session stores (Kafka Streams' SessionStore / ReadOnlySessionStore): one aggregate per
// key and session [start, end], over an ordered bytes store laid out as Kafka Streams'
// SessionKeySchema (session-key-schema.ts): the key's bytes, then the session's end, then
// its start. The same bytes are the changelog's keys.
//
// Retention is measured, as in Kafka Streams, by session end: a session that ended at or
// before streamTime - retention is expired; reads skip it, writes to it are dropped, and
// an expired segment's sessions are dropped once per segment interval as stream time
// passes, without a changelog record (Kafka Streams drops a segment whole; the session
// changelog's retention.ms takes them off the topic).
//
// The store's writer keeps an index of the sessions it holds (session-index.ts), built
// at its first write: a key's sessions are then found without a range scan, a session the
// store lacks is known absent without a read, and an expired segment's sessions are
// named without a scan. Readers that never write (queries) scan, as without it.
import type { Serde, SerdeContext } from "../serdes/serde.js";
import { storeSerdeContext } from "./store-serde-context.js";
import type { Windowed } from "../serdes/windowed.js";
import type { KeyValue, KeyValueBytesStore } from "./key-value-store.js";
import { OverlayBytesStore } from "./overlay-bytes-store.js";
import {
  SESSION_SUFFIX_SIZE,
  sessionEndOf,
  sessionKeyRowOf,
  sessionStartOf,
  sessionStoreKeyOf,
} from "./session-key-schema.js";
import { SessionIndex } from "./session-index.js";
import { scanByEnd, scanKeySessions } from "./session-scans.js";
import type { IndexedSession } from "./session-index.js";
import { NO_STREAM_TIME } from "./store-stream-time.js";
import type { StreamTimeCell } from "./store-stream-time.js";
import { segmentIntervalOf } from "./window-store.js";

export { sessionEndOf, sessionStoreKey } from "./session-key-schema.js";

/** What interactive queries may do with a session store. */
export interface ReadOnlySessionStore<K, V> {
  readonly name: string;
  /** Every live session of `key`, by end, then start. */
  fetch(key: K): AsyncIterableIterator<KeyValue<Windowed<K>, V>>;
  /** `key`'s sessions that end at or after `earliestSessionEndTime` and start at or before `latestSessionStartTime`. */
  findSessions(
    key: K,
    earliestSessionEndTime: number,
    latestSessionStartTime: number,
  ): AsyncIterableIterator<KeyValue<Windowed<K>, V>>;
  /** The aggregate of `key`'s session [start, end], if there is one. */
  fetchSession(key: K, sessionStart: number, sessionEnd: number): Promise<V | undefined>;
}

export interface SessionStore<K, V> extends ReadOnlySessionStore<K, V> {
  put(session: Windowed<K>, aggregate: V): Promise<boolean | void>;
  remove(session: Windowed<K>): Promise<void>;
}

export interface SessionStoreOptions {
  /** How long, in stream time, a session is kept after it ends. */
  readonly retentionMs: number;
  /** The most sessions the writer's in-memory index of the store keeps (session-index.ts). */
  readonly maxIndexedRows?: number;
  /**
   * The store's clock, shared with its task (store-stream-time.ts): restored and standby
   * records advanced it, and queries expire sessions by it. The store keeps its own when absent.
   */
  readonly streamTime?: StreamTimeCell;
  /**
   * The topic the store's serdes are told, as Kafka Streams' stores tell theirs their
   * changelog's (src/topology/store-serde-topic.ts); none when absent.
   */
  readonly topic?: string;
}

const NO_SESSIONS: readonly never[] = [];

export class TypedSessionStore<K, V> implements SessionStore<K, V> {
  readonly bytes: KeyValueBytesStore;
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  readonly retentionMs: number;
  readonly segmentIntervalMs: number;
  readonly #keyContext: SerdeContext;
  readonly #valueContext: SerdeContext;
  readonly #clock: StreamTimeCell;
  readonly #maxIndexedRows: number | undefined;
  #cleanedBelowSegment = 0;
  /** The sessions of the store, once its writer wrote first (built by one scan then). */
  #index: SessionIndex | undefined;

  constructor(bytes: KeyValueBytesStore, keySerde: Serde<K>, valueSerde: Serde<V>, options: SessionStoreOptions) {
    if (!(options.retentionMs >= 0)) {
      throw new RangeError(`Session store "${bytes.name}" needs a retention >= 0, got ${options.retentionMs}`);
    }
    this.bytes = bytes;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
    this.retentionMs = options.retentionMs;
    this.segmentIntervalMs = segmentIntervalOf(options.retentionMs);
    this.#maxIndexedRows = options.maxIndexedRows;
    this.#keyContext = storeSerdeContext(bytes.name, "key", options.topic);
    this.#valueContext = storeSerdeContext(bytes.name, "value", options.topic);
    this.#clock = options.streamTime ?? { time: NO_STREAM_TIME, cleanedBelowSegment: 0 };
  }

  get name(): string {
    return this.bytes.name;
  }

  /** The latest session end observed (Kafka Streams' observedStreamTime); -1 before any. */
  get observedStreamTime(): number {
    return this.#clock.time;
  }

  get #observedStreamTime(): number {
    return this.#clock.time;
  }

  set #observedStreamTime(time: number) {
    this.#clock.time = time;
  }

  /** The earliest session end a read may see. */
  protected get minLiveTime(): number {
    return this.#observedStreamTime - this.retentionMs + 1;
  }

  #minLiveSegment(): number {
    return Math.floor(Math.max(0, this.#observedStreamTime - this.retentionMs) / this.segmentIntervalMs);
  }

  /** Whether a put of a session that ends at `end` would be kept (not dropped for an expired segment). */
  accepts(end: number): boolean {
    const streamTime = Math.max(this.#observedStreamTime, end);
    const minLiveSegment = Math.floor(Math.max(0, streamTime - this.retentionMs) / this.segmentIntervalMs);
    return Math.floor(end / this.segmentIntervalMs) >= minLiveSegment;
  }

  /** The store key of `key`'s session [start, end]. */
  protected storeKeyOf(key: K, start: number, end: number): Buffer {
    return sessionStoreKeyOf(this.keySerde, this.#keyContext, key, start, end);
  }

  protected serializeValue(aggregate: V | null): Buffer | null {
    return aggregate === null || aggregate === undefined
      ? null
      : this.valueSerde.serialize(aggregate, this.#valueContext);
  }

  protected deserializeValue(bytes: Buffer): V {
    return this.valueSerde.deserialize(bytes, this.#valueContext);
  }

  /** Writes (or, with null, removes) the session; resolves to false when it had expired and the write was dropped. */
  put(session: Windowed<K>, aggregate: V | null): Promise<boolean> {
    const { start, end } = session.window;
    let storeKey: Buffer;
    let value: Buffer | null;
    try {
      storeKey = this.storeKeyOf(session.key, start, end);
      value = this.serializeValue(aggregate);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.writeRow(storeKey, storeKey.toString("latin1"), start, end, value);
  }

  async remove(session: Windowed<K>): Promise<void> {
    await this.put(session, null);
  }

  /**
   * put() done before it returns, when it can be: the session is live, the bytes beneath
   * are the task's overlay (writes touch memory only) and the index is built. True when
   * written (a promise when an eviction of a cached store is flushing: wait for it before
   * the next record); false when only put() can do it. Throws what the serdes throw.
   */
  putNow(session: Windowed<K>, aggregate: V | null): boolean | Promise<void> {
    const { start, end } = session.window;
    if (!this.accepts(end)) return false;
    const storeKey = this.storeKeyOf(session.key, start, end);
    return this.writeRowNow(storeKey, storeKey.toString("latin1"), start, end, this.serializeValue(aggregate));
  }

  /** put() of a row in its stored form: the store key, its latin1 row and the value bytes (null deletes). */
  protected async writeRow(
    storeKey: Buffer,
    row: string,
    start: number,
    end: number,
    value: Buffer | null,
  ): Promise<boolean> {
    this.#observedStreamTime = Math.max(this.#observedStreamTime, end);
    const minLiveSegment = this.#minLiveSegment();
    // Kafka Streams drops a write into a segment that has expired.
    if (Math.floor(end / this.segmentIntervalMs) < minLiveSegment) return false;
    if (this.#index === undefined) await this.#buildIndex(minLiveSegment);
    else if (minLiveSegment > this.#cleanedBelowSegment) await this.#dropExpired(minLiveSegment);
    if (value === null) await this.bytes.delete(storeKey);
    else await this.bytes.put(storeKey, value);
    this.#indexRow(row, start, end, value);
    return true;
  }

  /**
   * writeRow() done before it returns, when it can be: the bytes beneath are the task's
   * overlay and the index is built (an expired segment's sessions are known by name).
   * False when only writeRow() can do it. The caller checked accepts().
   */
  protected writeRowNow(storeKey: Buffer, row: string, start: number, end: number, value: Buffer | null): boolean {
    const bytes = this.bytes;
    const index = this.#index;
    if (!(bytes instanceof OverlayBytesStore) || index === undefined || !index.complete) return false;
    this.#observedStreamTime = Math.max(this.#observedStreamTime, end);
    const minLiveSegment = this.#minLiveSegment();
    if (minLiveSegment > this.#cleanedBelowSegment) {
      this.#cleanedBelowSegment = minLiveSegment;
      const expired = index.takeBefore(minLiveSegment) ?? [];
      for (const session of expired) bytes.dropNow(session.row);
      this.dropped(expired);
    }
    bytes.writeNow(storeKey, value);
    this.#indexRow(row, start, end, value);
    return true;
  }

  #indexRow(row: string, start: number, end: number, value: Buffer | null): void {
    const index = this.#index;
    if (index === undefined) return;
    const keyRow = row.slice(0, row.length - SESSION_SUFFIX_SIZE);
    if (value === null) index.remove(keyRow, start, end);
    else index.add({ keyRow, row, start, end });
  }

  /** Whether the store holds the session of `row`, as the index knows it: undefined when it cannot tell. */
  protected holdsRow(row: string, start: number, end: number): boolean | undefined {
    return this.#index?.has(row.slice(0, row.length - SESSION_SUFFIX_SIZE), start, end);
  }

  /**
   * The expired sessions the store is dropping: no read sees them again. A cached store
   * forgets them (caching-session-store.ts).
   */
  protected dropped(_sessions: readonly IndexedSession[]): void {}

  /** The row's value bytes when known without I/O (null: absent); undefined otherwise. A cached store asks its cache. */
  protected cachedRow(_row: string): Buffer | null | undefined {
    return undefined;
  }

  /** A row's value, read only when the index does not know the store lacks it. */
  protected async readRow(storeKey: Buffer, row: string, start: number, end: number): Promise<Buffer | undefined> {
    if (this.holdsRow(row, start, end) === false) return undefined;
    return this.bytes.get(storeKey);
  }

  fetch(key: K): AsyncIterableIterator<KeyValue<Windowed<K>, V>> {
    return this.findSessions(key, 0, Number.MAX_SAFE_INTEGER);
  }

  async fetchSession(key: K, sessionStart: number, sessionEnd: number): Promise<V | undefined> {
    if (sessionEnd < this.minLiveTime) return undefined;
    const storeKey = this.storeKeyOf(key, sessionStart, sessionEnd);
    const value = await this.readRow(storeKey, storeKey.toString("latin1"), sessionStart, sessionEnd);
    return value === undefined ? undefined : this.deserializeValue(value);
  }

  /**
   * findSessions() without a promise, for the store's writer: the sessions (by end, then
   * start) when the index names them and their values are known without I/O (none found,
   * or all cached); undefined when only findSessions() can tell. Throws what the serdes throw.
   */
  findSessionsNow(
    key: K,
    earliestSessionEndTime: number,
    latestSessionStartTime: number,
  ): readonly KeyValue<Windowed<K>, V>[] | undefined {
    const indexed = this.#index?.sessionsOf(sessionKeyRowOf(this.keySerde, this.#keyContext, key));
    if (indexed === undefined) return undefined;
    const earliestEnd = Math.max(0, earliestSessionEndTime, this.minLiveTime);
    let found: KeyValue<Windowed<K>, V>[] | undefined;
    for (const { row, start, end } of indexed) {
      if (end < earliestEnd || start > latestSessionStartTime) continue;
      const value = this.cachedRow(row);
      if (value === undefined || value === null) return undefined;
      (found ??= []).push({ key: { key, window: { start, end } }, value: this.deserializeValue(value) });
    }
    return found ?? NO_SESSIONS;
  }

  async *findSessions(
    key: K,
    earliestSessionEndTime: number,
    latestSessionStartTime: number,
  ): AsyncIterableIterator<KeyValue<Windowed<K>, V>> {
    const earliestEnd = Math.max(0, earliestSessionEndTime, this.minLiveTime);
    const indexed = this.#index?.sessionsOf(sessionKeyRowOf(this.keySerde, this.#keyContext, key));
    if (indexed !== undefined) {
      // A copy: the caller may write to the store between two sessions.
      const matching = indexed.filter(({ start, end }) => end >= earliestEnd && start <= latestSessionStartTime);
      for (const { row, start, end } of matching) {
        const value = this.cachedRow(row) ?? (await this.readRow(Buffer.from(row, "latin1"), row, start, end));
        if (value === undefined || value === null) continue;
        yield { key: { key, window: { start, end } }, value: this.deserializeValue(value) };
      }
      return;
    }
    const keyBytes = this.keySerde.serialize(key, this.#keyContext);
    for await (const { start, end, value } of scanKeySessions(
      this.bytes,
      keyBytes,
      earliestEnd,
      latestSessionStartTime,
    ))
      yield { key: { key, window: { start, end } }, value: this.deserializeValue(value) };
  }

  /**
   * Every key's sessions that end in [earliestSessionEndTime, latestSessionEndTime], by end,
   * then start, then key bytes: the order of Kafka Streams' time-ordered session store, which
   * an aggregation emitting on window close reads its closed sessions from.
   */
  async *findSessionsByEnd(
    earliestSessionEndTime: number,
    latestSessionEndTime: number,
  ): AsyncIterableIterator<KeyValue<Windowed<K>, V>> {
    // As Kafka Streams' time-ordered session store: sessions not yet dropped with their
    // segment are read (and a dropped one, which the overlay keeps until the commit, not).
    const earliestEnd = Math.max(0, earliestSessionEndTime, this.#minLiveSegment() * this.segmentIntervalMs);
    if (latestSessionEndTime < earliestEnd) return;
    for (const { start, end, key, value } of await scanByEnd(this.bytes, earliestEnd, latestSessionEndTime)) {
      yield {
        key: { key: this.keySerde.deserialize(key, this.#keyContext), window: { start, end } },
        value: this.deserializeValue(value),
      };
    }
  }

  /**
   * The writer's first write: one scan of the store indexes the sessions a restore or an
   * earlier owner left, and drops those of segments before `minLiveSegment`.
   */
  async #buildIndex(minLiveSegment: number): Promise<void> {
    const index = new SessionIndex(this.segmentIntervalMs, this.#maxIndexedRows);
    const expired: string[] = [];
    for await (const [storeKey] of this.bytes.iterate({})) {
      if (storeKey.length < SESSION_SUFFIX_SIZE) continue;
      const end = sessionEndOf(storeKey);
      const row = storeKey.toString("latin1");
      if (Math.floor(end / this.segmentIntervalMs) < minLiveSegment) expired.push(row);
      else
        index.add({
          keyRow: row.slice(0, row.length - SESSION_SUFFIX_SIZE),
          row,
          start: sessionStartOf(storeKey),
          end,
        });
    }
    this.#index = index;
    this.#cleanedBelowSegment = minLiveSegment;
    await this.#drop(expired);
  }

  /** Drops the sessions of segments before `minLiveSegment`: those the index names, or, once it gave up, those a scan finds. */
  async #dropExpired(minLiveSegment: number): Promise<void> {
    this.#cleanedBelowSegment = minLiveSegment;
    const indexed = this.#index?.takeBefore(minLiveSegment);
    if (indexed !== undefined) {
      this.dropped(indexed);
      return this.#drop(indexed.map((session) => session.row));
    }
    const expiredBefore = minLiveSegment * this.segmentIntervalMs;
    const expired: string[] = [];
    for await (const [storeKey] of this.bytes.iterate({})) {
      if (storeKey.length >= SESSION_SUFFIX_SIZE && sessionEndOf(storeKey) < expiredBefore)
        expired.push(storeKey.toString("latin1"));
    }
    await this.#drop(expired);
  }

  /**
   * Deletes expired rows as Kafka Streams drops a segment: without a changelog record.
   * Over the task's overlay they are dropped unlogged (deleted after the commit; no read
   * sees them meanwhile: every read skips sessions of expired segments); elsewhere one
   * batch (the TopologyTestDriver logs no batch of a session store).
   */
  async #drop(rows: readonly string[]): Promise<void> {
    if (rows.length === 0) return;
    const bytes = this.bytes;
    if (bytes instanceof OverlayBytesStore) for (const row of rows) bytes.dropNow(row);
    else await bytes.write(rows.map((row): [Buffer, null] => [Buffer.from(row, "latin1"), null]));
  }
}
