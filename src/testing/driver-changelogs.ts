// The TopologyTestDriver's changelog topics, written as Kafka Streams' change-logging
// stores write them, so that a test reads `<applicationId>-<store>-changelog` with
// createOutputTopic() and finds it in producedTopicNames():
// - every write of a logged store is a record, in the layout the Kafka runtime logs
//   the store with (changelog-format.ts), on partition 0;
// - its timestamp is the value's for a timestamped store, none (null) for suppress()'s
//   buffer (Kafka Streams sends those without one), else that of the record being
//   processed (ChangeLoggingKeyValueBytesStore logs context.timestamp()), as a
//   punctuator's time while it runs;
// - a store behind the record cache (its definition has caching, and the driver's
//   cacheMaxBytes is not 0) and suppress()'s buffer log at the commit that follows
//   every record instead: one record per key written, the last write, keys in the
//   order of their last write (Kafka Streams' NamedCache flushes its dirty keys so),
//   the buffer's in the order of its HashSet of dirty keys (java-hash-set-order.ts);
// - an expired segment of a window or session store is dropped without a record, as
//   Kafka Streams drops a segment: those are the only batch writes such stores make.
// Global stores have no changelog (their topic is theirs).
import type { TaskStoreContext } from "../engine/state-store-provider.js";
import { changelogFormat } from "../stores/changelog-format.js";
import type { ChangelogEntry, ChangelogFormat } from "../stores/changelog-format.js";
import type { BytesRange, KeyValueBytesStore } from "../stores/key-value-store.js";
import { changelogTopicName } from "../topology/internal-topic-names.js";
import type { StoreDefinition } from "../topology/topology.js";
import type { DriverRecord } from "./driver-topics.js";
import { JavaHashSetOrder } from "./java-hash-set-order.js";

/** A store's writes held back until the commit; `hashOrder` for a buffer, which logs its keys in that order. */
interface DeferredWrites {
  readonly records: Map<string, DriverRecord>;
  readonly hashOrder: JavaHashSetOrder | undefined;
}

export class DriverChangelogs {
  readonly #applicationId: string;
  readonly #send: (record: DriverRecord) => void;
  readonly #cacheOn: boolean;
  /** Per deferring store, its keys' last writes (latin1 key -> record). */
  readonly #deferred: DeferredWrites[] = [];

  constructor(applicationId: string, send: (record: DriverRecord) => void, cacheOn: boolean) {
    this.#applicationId = applicationId;
    this.#send = send;
    this.#cacheOn = cacheOn;
  }

  /** The bytes store the task's processors write: `bytes` itself when the store has no changelog. */
  bytesOf(definition: StoreDefinition, bytes: KeyValueBytesStore, task: TaskStoreContext): KeyValueBytesStore {
    if (!definition.logging) return bytes;
    const cached =
      this.#cacheOn &&
      definition.caching &&
      definition.type !== "versioned" &&
      !(definition.type === "window" && definition.windowed?.retainDuplicates === true);
    let deferred: DeferredWrites | undefined;
    if (cached || definition.type === "buffer") {
      deferred = { records: new Map(), hashOrder: definition.type === "buffer" ? new JavaHashSetOrder() : undefined };
      this.#deferred.push(deferred);
    }
    const topic = changelogTopicName(this.#applicationId, definition.name);
    const format = changelogFormat(definition);
    const log = (key: Buffer, value: Buffer | null): void => {
      const record = changelogRecord(topic, format, key, value, task.cache.recordContext().timestamp);
      if (record === undefined) return;
      if (deferred === undefined) {
        this.#send(record);
        return;
      }
      const id = key.toString("latin1");
      // A cache's key moves to the end with each write; a HashSet's keeps its first place.
      if (deferred.hashOrder === undefined) deferred.records.delete(id);
      deferred.records.set(id, record);
    };
    const batchesAreDrops = definition.type === "window" || definition.type === "session";
    return new ChangeLoggingBytesStore(bytes, log, batchesAreDrops);
  }

  /** The commit after every record: what the cached stores and the buffers held back. */
  flush(): void {
    for (const { records, hashOrder } of this.#deferred) {
      if (records.size === 0) continue;
      const due =
        hashOrder === undefined
          ? [...records.values()]
          : hashOrder.order([...records].map(([id, record]) => [Buffer.from(id, "latin1"), record] as const));
      records.clear();
      for (const record of due) this.#send(record);
    }
  }
}

function changelogRecord(
  topic: string,
  format: ChangelogFormat,
  key: Buffer,
  value: Buffer | null,
  recordTimestamp: number,
): DriverRecord | undefined {
  // Outside processing (a test writing a store) there is no record: Kafka refuses negative timestamps.
  const entry: ChangelogEntry | undefined = format.toChangelog(key, value, Math.max(0, recordTimestamp));
  if (entry === undefined) return undefined;
  return {
    topic,
    partition: 0,
    key: Buffer.from(entry.key),
    value: entry.value === null ? null : Buffer.from(entry.value),
    headers: entry.headers ?? [],
    timestamp: entry.timestamp,
  };
}

/** A bytes store that logs its writes (Kafka Streams' ChangeLogging*BytesStore). */
class ChangeLoggingBytesStore implements KeyValueBytesStore {
  readonly name: string;
  readonly #inner: KeyValueBytesStore;
  readonly #log: (key: Buffer, value: Buffer | null) => void;
  readonly #batchesAreDrops: boolean;
  /** Only where the inner store answers at once: an absent getNow() tells callers to await get(). */
  readonly getNow?: (key: Buffer) => Buffer | undefined;

  constructor(inner: KeyValueBytesStore, log: (key: Buffer, value: Buffer | null) => void, batchesAreDrops: boolean) {
    this.name = inner.name;
    this.#inner = inner;
    this.#log = log;
    this.#batchesAreDrops = batchesAreDrops;
    const getNow = inner.getNow?.bind(inner);
    if (getNow !== undefined) this.getNow = getNow;
  }

  get version(): number | undefined {
    return this.#inner.version;
  }

  get(key: Buffer): Promise<Buffer | undefined> {
    return this.#inner.get(key);
  }

  async put(key: Buffer, value: Buffer): Promise<void> {
    await this.#inner.put(key, value);
    this.#log(key, value);
  }

  async delete(key: Buffer): Promise<void> {
    await this.#inner.delete(key);
    this.#log(key, null);
  }

  async write(batch: Iterable<[Buffer, Buffer | null]>): Promise<void> {
    const entries = [...batch];
    await this.#inner.write(entries);
    if (this.#batchesAreDrops) return;
    for (const [key, value] of entries) this.#log(key, value);
  }

  iterate(options: BytesRange): AsyncIterableIterator<[Buffer, Buffer]> {
    return this.#inner.iterate(options);
  }

  approximateNumEntries(): Promise<number> {
    return this.#inner.approximateNumEntries();
  }
}
