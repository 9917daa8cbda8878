// TopologyTestDriver: runs a topology in process, without a broker, as Kafka Streams'
// driver of the same name. The real processors and the real stores run through the
// same TaskExecutor as in the Kafka runtime; Kafka is replaced by in-memory topics.
//
// How it behaves, and where it differs from a cluster:
// - Every topic has one partition (0); each sub-topology runs as one task (`<id>_0`).
// - Piping a record processes it, and everything it causes, before the promise
//   resolves: records written to a repartition topic, or to any topic the topology
//   reads, are fed back to the sub-topology that reads them, in the order written.
// - It commits after every record, as Kafka Streams' driver does: the record cache
//   (cacheMaxBytes, 0 turns it off) forwards what it folded of that record's updates.
// - Everything the topology writes is kept per topic for createOutputTopic() and
//   producedTopicNames(): sinks, repartition topics, the dead-letter topic, and the
//   changelogs of logged stores, `<applicationId>-<store>-changelog`, written as
//   Kafka Streams writes them (driver-changelogs.ts).
// - Stream time is kept per task (per sub-topology), as on a cluster; stream-time
//   punctuators fire right after the record that makes them due, wall-clock ones when
//   advanceWallClockTime() moves the driver's clock past them.
// - An undecodable input record goes to `<applicationId>-dlq` (read it with
//   createOutputTopic) and processing goes on, unless `config` sets
//   deserializationExceptionHandler "fail", which rejects the pipe call; an error in a processor rejects the
//   pipe call with a ProcessorError. There are no transactions: state written before
//   the failure stays.
// - Stores are in memory by default; `stores: "leveldb"` puts them in LevelDB, in
//   `stateDir` (a temporary directory when not given); close() removes the application's
//   state there, as Kafka Streams' driver does, unless `keepState` asks to keep it.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deadLetterRecord } from "../engine/dead-letter.js";
import type { ConsumedRecord } from "../engine/consumed-record.js";
import type { RecordCollector } from "../engine/record-collector.js";
import type { KeyValueStore } from "../stores/key-value-store.js";
import type { ValueAndTimestamp } from "../stores/value-and-timestamp.js";
import type { ReadOnlyWindowStore } from "../stores/window-store.js";
import type { ReadOnlySessionStore } from "../stores/session-store.js";
import type { VersionedKeyValueStore } from "../stores/versioned-key-value-store.js";
import { RecordCache } from "../stores/record-cache.js";
import { applicationStateDirectory } from "../stores/state-directory.js";
import { DEFAULT_CACHE_MAX_BYTES } from "../config/streams-config.js";
import type { RecordHeaders } from "../topology/headers.js";
import type { Serde } from "../serdes/serde.js";
import { serdeFromSetting } from "../serdes/serdes.js";
import type { Topology } from "../topology/topology.js";
import { EMIT_INTERVAL_CONFIG, OUTER_JOIN_EMIT_INTERVAL_CONFIG } from "../topology/internal-configs.js";
import type { InputTopicOptions, TopologyTestDriverOptions } from "./driver-options.js";
import { DriverChangelogs } from "./driver-changelogs.js";
import { DriverStores } from "./driver-stores.js";
import { startDriverTasks } from "./driver-tasks.js";
import type { DriverTask } from "./driver-tasks.js";
import { DriverTopics } from "./driver-topics.js";
import type { DriverRecord } from "./driver-topics.js";
import { DriverClosedError, SourceTopicNotPatternError, UnknownTopicError } from "./errors.js";
import { TestInputTopic } from "./test-input-topic.js";
import type { InputPipe } from "./test-input-topic.js";
import { TestOutputTopic } from "./test-output-topic.js";
import type { OutputQueue } from "./test-output-topic.js";

export type { InputTopicOptions, TopologyTestDriverOptions } from "./driver-options.js";

const DEFAULT_APPLICATION_ID = "topology-test-driver";

export class TopologyTestDriver {
  readonly topology: Topology;
  readonly applicationId: string;
  readonly #storeKind: "memory" | "leveldb";
  readonly #options: TopologyTestDriverOptions;
  #stateDir: string | undefined;
  #ownsStateDir = false;
  #now: number;
  readonly #config: Readonly<Record<string, unknown>>;
  readonly #ready: Promise<Map<number, DriverTask>>;
  readonly #topics: DriverTopics;
  readonly #pending: ConsumedRecord[] = [];
  readonly #stores: DriverStores;
  #closed = false;
  #dropped = 0;
  readonly #recordCache: RecordCache | undefined;
  readonly #changelogs: DriverChangelogs;

  /** Throws InvalidTopologyError, as Kafka Streams' driver does, when the topology cannot run. */
  constructor(topology: Topology, options: TopologyTestDriverOptions = {}) {
    // The topology as it is now: a Topology built with the Processor API may grow later.
    this.topology = topology.frozen(
      { key: serdeFromSetting(options.defaultKeySerde), value: serdeFromSetting(options.defaultValueSerde) },
      { dslStoreSuppliers: options.dslStoreSuppliers, defaultDslStore: options.defaultDslStore },
    );
    topology = this.topology;
    this.#options = options;
    const cacheMaxBytes = options.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES;
    this.#recordCache = cacheMaxBytes > 0 ? new RecordCache(cacheMaxBytes) : undefined;
    this.applicationId = options.applicationId ?? DEFAULT_APPLICATION_ID;
    // As Kafka Streams' driver: a windowed aggregation emitting on window close, and a left or
    // outer stream-stream join, may emit after every record.
    this.#config = {
      [EMIT_INTERVAL_CONFIG]: 0,
      [OUTER_JOIN_EMIT_INTERVAL_CONFIG]: 0,
      ...options.config,
      applicationId: this.applicationId,
    };
    this.#storeKind = options.stores ?? "memory";
    this.#stateDir = options.stateDir;
    this.#now = options.startTime ?? Date.now();
    this.#topics = new DriverTopics(topology, this.applicationId);
    this.#changelogs = new DriverChangelogs(
      this.applicationId,
      (record) => this.#collect(record),
      this.#recordCache !== undefined,
    );
    this.#ready = this.#start();
    this.#stores = new DriverStores(topology, this.#ready);
    // Failures surface on the first call that awaits the driver, not as an unhandled rejection.
    this.#ready.catch(() => undefined);
  }

  /** Where LevelDB stores live (known once the driver has started); undefined for in-memory stores. */
  get stateDirectory(): string | undefined {
    return this.#stateDir;
  }

  /**
   * Records dropped on purpose so far, over all tasks: negative extracted timestamps,
   * records too late for their window, ... (Kafka Streams' dropped-records metric).
   */
  get droppedRecords(): number {
    return this.#dropped;
  }

  /** The driver's wall clock, ms since the epoch. */
  get wallClockTime(): number {
    return this.#now;
  }

  createInputTopic<K, V>(
    name: string,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
    options: InputTopicOptions = {},
  ): TestInputTopic<K, V> {
    // As Kafka Streams' driver, a topic no source reads is refused when a record is piped into it.
    const pipe: InputPipe = { pipe: (topic, record) => this.#pipe(topic, record) };
    return new TestInputTopic(
      pipe,
      name,
      keySerde,
      valueSerde,
      options.startTimestamp ?? this.#now,
      options.autoAdvance ?? 0,
    );
  }

  /** Any topic the topology writes: a user topic, `<applicationId>-<name>-repartition`, `<applicationId>-dlq`. */
  createOutputTopic<K, V>(name: string, keySerde: Serde<K>, valueSerde: Serde<V>): TestOutputTopic<K, V> {
    const queue: OutputQueue = {
      take: (topic) => this.#topics.take(topic),
      queueSize: (topic) => this.#topics.queueSize(topic),
      everWritten: (topic) => this.#topics.writtenTopics().has(topic),
    };
    return new TestOutputTopic(queue, name, keySerde, valueSerde);
  }

  /** The topics written so far. */
  producedTopicNames(): Set<string> {
    return this.#topics.writtenTopics();
  }

  /**
   * The key-value store of that name, typed by its serdes, with plain values (a
   * timestamped store's timestamps are left out, as Kafka Streams' driver does); writes
   * to it are seen by the processors.
   */
  getKeyValueStore<K, V>(name: string): KeyValueStore<K, V> {
    return this.#stores.getKeyValueStore(name);
  }

  /** A timestamped key-value store (every table and aggregate of the DSL): values with their timestamps. */
  getTimestampedKeyValueStore<K, V>(name: string): KeyValueStore<K, ValueAndTimestamp<V>> {
    return this.#stores.getTimestampedKeyValueStore(name);
  }

  /**
   * The window store of that name (a windowed aggregation's), with plain values (Kafka
   * Streams' driver hands out a timestamped window store's values without timestamps).
   */
  getWindowStore<K, V>(name: string): ReadOnlyWindowStore<K, V> {
    return this.#stores.getWindowStore(name);
  }

  /** A timestamped window store (every windowed aggregation of the DSL): values with their timestamps. */
  getTimestampedWindowStore<K, V>(name: string): ReadOnlyWindowStore<K, ValueAndTimestamp<V>> {
    return this.#stores.getTimestampedWindowStore(name);
  }

  /**
   * The versioned key-value store of that name (KIP-889): a table materialized with
   * Stores.persistentVersionedKeyValueStore(), or one added with versionedKeyValueStoreBuilder().
   */
  getVersionedKeyValueStore<K, V>(name: string): VersionedKeyValueStore<K, V> {
    return this.#stores.getVersionedKeyValueStore(name);
  }

  /** The session store of that name (a session-windowed aggregation's). */
  getSessionStore<K, V>(name: string): ReadOnlySessionStore<K, V> {
    return this.#stores.getSessionStore(name);
  }

  /** Moves the wall clock, fires the wall-clock punctuators now due, and processes what they caused. */
  async advanceWallClockTime(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError(`advanceWallClockTime() needs a non-negative number of ms, got ${ms}`);
    const tasks = await this.#tasks();
    this.#now += ms;
    for (const task of tasks.values()) await this.#guard(() => task.executor.punctuateWallClock(this.#now));
    await this.#commit(tasks);
    await this.#drain(tasks);
  }

  /** Closes the processors and the stores; removes the temporary state directory. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    let tasks: DriverTask[] = [];
    try {
      tasks = [...(await this.#ready).values()];
    } catch {
      // Nothing was started, or only part of it: the failure was reported to the caller that hit it.
    }
    const failures: unknown[] = [];
    for (const task of tasks) {
      try {
        await task.executor.close();
      } catch (error) {
        failures.push(error);
      }
      await task.storage.close();
    }
    if (this.#ownsStateDir && this.#stateDir !== undefined) await rm(this.#stateDir, { recursive: true, force: true });
    else if (this.#storeKind === "leveldb" && this.#stateDir !== undefined && this.#options.keepState !== true) {
      await rm(applicationStateDirectory(this.#stateDir, this.applicationId), { recursive: true, force: true });
    }
    if (failures.length > 0) throw failures[0];
  }

  async #start(): Promise<Map<number, DriverTask>> {
    if (this.#storeKind === "leveldb" && this.#stateDir === undefined) {
      this.#stateDir = await mkdtemp(join(tmpdir(), "eddy-topology-test-driver-"));
      this.#ownsStateDir = true;
    }
    const collector: RecordCollector = {
      send: (record) => this.#collect(record),
      partitionsFor: () => 1,
    };
    return startDriverTasks({
      topology: this.topology,
      applicationId: this.applicationId,
      stateDir: this.#storeKind === "leveldb" ? this.#stateDir : undefined,
      collector,
      clock: () => this.#now,
      appConfigs: this.#config,
      onDroppedRecord: () => {
        this.#dropped += 1;
      },
      defaultTimestampExtractor: this.#options.defaultTimestampExtractor,
      recordCache: this.#recordCache,
      changelogs: this.#changelogs,
    });
  }

  async #tasks(): Promise<Map<number, DriverTask>> {
    if (this.#closed) throw new DriverClosedError();
    return this.#ready;
  }

  async #pipe(
    topic: string,
    record: { key: Buffer | null; value: Buffer | null; timestamp: number; headers: RecordHeaders },
  ): Promise<void> {
    const tasks = await this.#tasks();
    if (this.#topics.subtopologyOf(topic) === undefined) {
      const sourceTopic = this.#topics.sourceTopicMatching(topic);
      if (sourceTopic !== undefined) throw new SourceTopicNotPatternError(sourceTopic, topic);
      throw new UnknownTopicError(topic, this.#topics.readTopics());
    }
    this.#pending.push(
      this.#topics.consumed(topic, record.key, record.value, record.timestamp, record.headers.toArray()),
    );
    await this.#drain(tasks);
  }

  #collect(record: DriverRecord): void {
    this.#topics.written(record);
    // As Kafka Streams' driver: what lands on a topic the topology reads is read back.
    if (this.#topics.subtopologyOf(record.topic) !== undefined) {
      // A record sent without a timestamp gets the clock's, as a producer stamps it.
      const timestamp = record.timestamp ?? this.#now;
      this.#pending.push(this.#topics.consumed(record.topic, record.key, record.value, timestamp, record.headers));
    }
  }

  async #drain(tasks: ReadonlyMap<number, DriverTask>): Promise<void> {
    while (this.#pending.length > 0) {
      const record = this.#pending.shift() as ConsumedRecord;
      const subtopology = this.#topics.subtopologyOf(record.topic);
      const task = subtopology === undefined ? undefined : tasks.get(subtopology);
      if (task === undefined) throw new UnknownTopicError(record.topic, this.#topics.readTopics());
      const outcome = await this.#guard(() => task.executor.process(record));
      if (outcome.status === "skipped") this.#dropped += 1;
      if (outcome.status === "dead-letter") {
        // deserializationExceptionHandler "fail" (Kafka Streams' default, LogAndFail): the pipe call fails.
        if (this.#config.deserializationExceptionHandler === "fail") {
          this.#pending.length = 0;
          throw outcome.error;
        }
        this.#collect(deadLetterRecord(this.applicationId, task.executor.taskId, record, outcome.error, this.#now));
      }
      await this.#commit(tasks);
    }
  }

  /**
   * As Kafka Streams' driver commits after every record it processes: the record cache
   * forwards what it folded (what it forwards to a topic the topology reads is read back),
   * and the cached stores and suppress() buffers log what they held back.
   */
  async #commit(tasks: ReadonlyMap<number, DriverTask>): Promise<void> {
    if (this.#recordCache !== undefined) {
      for (const task of tasks.values()) await this.#guard(() => task.executor.flushCaches());
    }
    this.#changelogs.flush();
  }

  /** A failure drops what the failed record would have fed back: the test sees the error, then a clean queue. */
  async #guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      this.#pending.length = 0;
      throw error;
    }
  }
}
