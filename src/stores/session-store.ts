// Session stores (Kafka Streams' SessionStore / ReadOnlySessionStore): one aggregate per
// key and session [start, end], over an ordered bytes store laid out as Kafka Streams'
// SessionKeySchema: the key's bytes, then the session's end, then its start (8 bytes
// each, big-endian). The same bytes are the changelog's keys, so a Java consumer reads
// them with SessionKeySchema (or, without the store's framing, SessionWindowedDeserializer).
//
// Retention is measured, as in Kafka Streams, by session end: a session that ended at or
// before streamTime - retention is expired; reads skip it, writes to it are dropped, and
// expired sessions are deleted once per segment interval as stream time passes.
import type { Serde, SerdeContext } from "../serdes/serde.js";
import type { Windowed } from "../serdes/windowed.js";
import type { KeyValue, KeyValueBytesStore } from "./key-value-store.js";
import { OverlayBytesStore } from "./overlay-bytes-store.js";
import { NO_STREAM_TIME } from "./store-stream-time.js";
import type { StreamTimeCell } from "./store-stream-time.js";
import { segmentIntervalOf } from "./window-store.js";

const SUFFIX_SIZE = 16;

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

export function sessionStoreKey(key: Buffer, start: number, end: number): Buffer {
  const bytes = Buffer.allocUnsafe(key.length + SUFFIX_SIZE);
  key.copy(bytes, 0);
  bytes.writeBigInt64BE(BigInt(end), key.length);
  bytes.writeBigInt64BE(BigInt(start), key.length + 8);
  return bytes;
}

/** A session store key's session end: the time its row is kept by (-1 for a key too short to be one). */
export function sessionEndOf(storeKey: Buffer): number {
  return storeKey.length < SUFFIX_SIZE ? -1 : Number(storeKey.readBigInt64BE(storeKey.length - SUFFIX_SIZE));
}

export interface SessionStoreOptions {
  /** How long, in stream time, a session is kept after it ends. */
  readonly retentionMs: number;
  /**
   * The store's clock, shared with its task (store-stream-time.ts): restored and standby
   * records advanced it, and queries expire sessions by it. The store keeps its own when absent.
   */
  readonly streamTime?: StreamTimeCell;
}

export class TypedSessionStore<K, V> implements SessionStore<K, V> {
  readonly bytes: KeyValueBytesStore;
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  readonly retentionMs: number;
  readonly segmentIntervalMs: number;
  readonly #keyContext: SerdeContext;
  readonly #valueContext: SerdeContext;
  readonly #clock: StreamTimeCell;
  #cleanedBelowSegment = 0;

  constructor(bytes: KeyValueBytesStore, keySerde: Serde<K>, valueSerde: Serde<V>, options: SessionStoreOptions) {
    if (!(options.retentionMs >= 0)) {
      throw new RangeError(`Session store "${bytes.name}" needs a retention >= 0, got ${options.retentionMs}`);
    }
    this.bytes = bytes;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
    this.retentionMs = options.retentionMs;
    this.segmentIntervalMs = segmentIntervalOf(options.retentionMs);
    this.#keyContext = { store: bytes.name, part: "key" };
    this.#valueContext = { store: bytes.name, part: "value" };
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

  get #minLiveTime(): number {
    return this.#observedStreamTime - this.retentionMs + 1;
  }

  /** The earliest session end a read may see. */
  protected get minLiveTime(): number {
    return this.#minLiveTime;
  }

  /** Whether a put of a session that ends at `end` would be kept (not dropped for an expired segment). */
  accepts(end: number): boolean {
    const streamTime = Math.max(this.#observedStreamTime, end);
    const minLiveSegment = Math.floor(Math.max(0, streamTime - this.retentionMs) / this.segmentIntervalMs);
    return Math.floor(end / this.segmentIntervalMs) >= minLiveSegment;
  }

  /** Writes (or, with null, removes) the session; resolves to false when it had expired and the write was dropped. */
  async put(session: Windowed<K>, aggregate: V | null): Promise<boolean> {
    const end = session.window.end;
    this.#observedStreamTime = Math.max(this.#observedStreamTime, end);
    const minLiveSegment = Math.floor(
      Math.max(0, this.#observedStreamTime - this.retentionMs) / this.segmentIntervalMs,
    );
    if (Math.floor(end / this.segmentIntervalMs) < minLiveSegment) return false;
    if (minLiveSegment > this.#cleanedBelowSegment) await this.#dropExpired(minLiveSegment);
    const key = sessionStoreKey(this.keySerde.serialize(session.key, this.#keyContext), session.window.start, end);
    if (aggregate === null || aggregate === undefined) await this.bytes.delete(key);
    else await this.bytes.put(key, this.valueSerde.serialize(aggregate, this.#valueContext));
    return true;
  }

  async remove(session: Windowed<K>): Promise<void> {
    await this.put(session, null);
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
    // As Kafka Streams' time-ordered session store: sessions not yet cleaned away are read.
    const earliestEnd = Math.max(0, earliestSessionEndTime);
    if (latestSessionEndTime < earliestEnd) return;
    const found: { start: number; end: number; key: Buffer; value: Buffer }[] = [];
    for await (const [storeKey, value] of this.bytes.iterate({})) {
      if (storeKey.length < SUFFIX_SIZE) continue;
      const end = Number(storeKey.readBigInt64BE(storeKey.length - SUFFIX_SIZE));
      if (end < earliestEnd || end > latestSessionEndTime) continue;
      const start = Number(storeKey.readBigInt64BE(storeKey.length - 8));
      found.push({ start, end, key: Buffer.from(storeKey.subarray(0, storeKey.length - SUFFIX_SIZE)), value });
    }
    found.sort((a, b) => a.end - b.end || a.start - b.start || Buffer.compare(a.key, b.key));
    for (const { start, end, key, value } of found) {
      yield {
        key: { key: this.keySerde.deserialize(key, this.#keyContext), window: { start, end } },
        value: this.valueSerde.deserialize(value, this.#valueContext),
      };
    }
  }

  fetch(key: K): AsyncIterableIterator<KeyValue<Windowed<K>, V>> {
    return this.findSessions(key, 0, Number.MAX_SAFE_INTEGER);
  }

  async fetchSession(key: K, sessionStart: number, sessionEnd: number): Promise<V | undefined> {
    if (sessionEnd < this.#minLiveTime) return undefined;
    const keyBytes = this.keySerde.serialize(key, this.#keyContext);
    const value = await this.bytes.get(sessionStoreKey(keyBytes, sessionStart, sessionEnd));
    return value === undefined ? undefined : this.valueSerde.deserialize(value, this.#valueContext);
  }

  async *findSessions(
    key: K,
    earliestSessionEndTime: number,
    latestSessionStartTime: number,
  ): AsyncIterableIterator<KeyValue<Windowed<K>, V>> {
    const earliestEnd = Math.max(0, earliestSessionEndTime, this.#minLiveTime);
    const keyBytes = this.keySerde.serialize(key, this.#keyContext);
    // A session starts no later than it ends: the scan of ends stops at the latest start allowed... or beyond.
    const range = {
      gte: sessionStoreKey(keyBytes, 0, earliestEnd),
      lte: sessionStoreKey(keyBytes, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
    };
    for await (const [storeKey, value] of this.bytes.iterate(range)) {
      if (storeKey.length !== keyBytes.length + SUFFIX_SIZE) continue;
      if (storeKey.compare(keyBytes, 0, keyBytes.length, 0, keyBytes.length) !== 0) continue;
      const end = Number(storeKey.readBigInt64BE(keyBytes.length));
      const start = Number(storeKey.readBigInt64BE(keyBytes.length + 8));
      if (end < earliestEnd || start > latestSessionStartTime) continue;
      yield { key: { key, window: { start, end } }, value: this.valueSerde.deserialize(value, this.#valueContext) };
    }
  }

  async #dropExpired(minLiveSegment: number): Promise<void> {
    this.#cleanedBelowSegment = minLiveSegment;
    const expiredBefore = minLiveSegment * this.segmentIntervalMs;
    const expired: Buffer[] = [];
    for await (const [storeKey] of this.bytes.iterate({})) {
      if (storeKey.length < SUFFIX_SIZE) continue;
      if (Number(storeKey.readBigInt64BE(storeKey.length - SUFFIX_SIZE)) < expiredBefore) expired.push(storeKey);
    }
    if (expired.length === 0) return;
    // Over the task's overlay a delete hides the session from every read at once (an
    // aggregation emitting on window close reads closed sessions), and is logged at the
    // commit. Elsewhere one batch, as Kafka Streams drops a segment whole, without changelog
    // records (the TopologyTestDriver logs no batch of a session store).
    const bytes = this.bytes;
    if (bytes instanceof OverlayBytesStore) for (const storeKey of expired) await bytes.delete(storeKey);
    else await bytes.write(expired.map((storeKey): [Buffer, null] => [storeKey, null]));
  }
}
