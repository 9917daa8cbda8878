// The global stores of an instance (GlobalKTables, addGlobalStore): Kafka Streams'
// GlobalStreamThread and GlobalStateManager. A reader of its own, outside the consumer
// group, reads every partition of every global topic: first from the beginning to the
// end (the restore, before the instance joins the group, so that no task reads a global
// store half-filled), then on, as records arrive, for as long as the instance runs. Each
// record goes through the global store's processor (a table source, or the user's
// state-update processor), which writes the store directly: the topic is the store's
// changelog, so there is no transaction to wait for.
//
// The stores live in `<stateDir>/<applicationId>/global/` (in memory when none is
// persistent) with a checkpoint of the offsets read (global-state.ts): a restart restores
// only what arrived since. A record its serdes cannot read goes to the dead-letter topic
// (global-dead-letters.ts) and the thread reads on.
import type { Logger } from "pino";
import { TaskExecutor } from "../engine/task-executor.js";
import { keyValueStoreOf } from "../engine/task-stores.js";
import { PartitionReader } from "../kafka/partition-reader.js";
import type { ConsumedRecord, TopicPartitionOffset } from "../kafka/types.js";
import type { KafkaClient } from "../kafka/client.js";
import { topicPartitionKey } from "../kafka/types.js";
import type { KafkaAdmin } from "../kafka/admin-client.js";
import type { KeyValueStore } from "../stores/key-value-store.js";
import type { TaskStorage } from "../stores/task-storage.js";
import type { TimestampExtractor } from "../topology/timestamp-extractor.js";
import type { Topology } from "../topology/topology.js";
import type { StateRestoreListener } from "./state-restore-listener.js";
import { MissingSourceTopicError, TaskProcessingError } from "./errors.js";
import { GlobalDeadLetters } from "./global-dead-letters.js";
import { GLOBAL_TASK_ID, globalCheckpoint, openGlobalState } from "./global-state.js";
import type { OffsetRange } from "./global-state.js";
import type { LevelDbTuning } from "../stores/leveldb-task-storage.js";

export { GLOBAL_TASK_ID } from "./global-state.js";

export interface GlobalStreamThreadOptions {
  readonly kafka: KafkaClient;
  readonly admin: KafkaAdmin;
  readonly topology: Topology;
  readonly applicationId: string;
  readonly clientId: string;
  readonly stateDir: string;
  /** How much memory the global stores' LevelDB may hold (leveldb-tuning.ts has the defaults). */
  readonly leveldb?: LevelDbTuning | undefined;
  readonly appConfigs: Readonly<Record<string, unknown>>;
  readonly defaultTimestampExtractor: TimestampExtractor;
  readonly fetchMaxWaitMs: number;
  readonly logger: Logger;
  /** A record a global processor could not process stops the instance, as in Kafka Streams. */
  readonly onFatal: (error: Error) => void;
  readonly onDroppedRecord: () => void;
  /** A record sent to the dead-letter topic. */
  readonly onDeadLetter: () => void;
  /** "fail": a record the serdes cannot read stops the instance instead of being dead-lettered. */
  readonly deserializationExceptionHandler: "fail" | "continue-and-dead-letter";
  /** How often, at most, the checkpoint is written while the thread follows its topics. */
  readonly commitIntervalMs: number;
  /** Told of the restore of each global partition, as of a task's (Kafka Streams' global restore listener). */
  readonly restoreListener?: StateRestoreListener | undefined;
}

const READ_OPTIONS = { maxBytes: 4 << 20, maxBytesPerPartition: 1 << 20 };

export class GlobalStreamThread {
  readonly #options: GlobalStreamThreadOptions;
  readonly #stores = new Map<string, KeyValueStore<unknown, unknown>>();
  readonly #executors = new Map<string, TaskExecutor>();
  readonly #positions = new Map<string, TopicPartitionOffset>();
  readonly #storeOfTopic = new Map<string, string>();
  #reader: PartitionReader | undefined;
  #storage: TaskStorage | undefined;
  #deadLetters: GlobalDeadLetters | undefined;
  #checkpointed = 0;
  #restoredRecords = 0;
  #following: Promise<void> | undefined;
  #stopped = false;

  constructor(options: GlobalStreamThreadOptions) {
    this.#options = options;
  }

  /** The global stores by name, for the tasks' processors and for queries. */
  get stores(): ReadonlyMap<string, KeyValueStore<unknown, unknown>> {
    return this.#stores;
  }

  /** How many partitions the topic of global store `store` has (0 before start()). */
  partitionCount(store: string): number {
    const topic = this.#options.topology.globalStores.find((global) => global.store === store)?.topic;
    let count = 0;
    for (const position of this.#positions.values()) if (position.topic === topic) count += 1;
    return count;
  }

  /** Opens the stores and restores them from their topics to the end; then follows the topics. */
  async start(): Promise<void> {
    const { topology, logger } = this.#options;
    const globals = topology.globalStores;
    const topics = globals.map((global) => global.topic);
    const counts = await this.#options.admin.partitionCounts(topics);
    const missing = topics.filter((topic) => counts.get(topic) === undefined);
    if (missing.length > 0) throw new MissingSourceTopicError(missing);
    this.#reader = await PartitionReader.connect(this.#options.kafka, `${this.#options.clientId}-global`);
    const partitions = topics.flatMap((topic) =>
      Array.from({ length: counts.get(topic) ?? 0 }, (_, partition) => ({ topic, partition })),
    );
    const beginnings = await this.#reader.beginningOffsets(partitions);
    const ends = await this.#reader.endOffsets(partitions);
    const ranges = new Map<string, OffsetRange>(
      partitions.map((tp) => {
        const key = topicPartitionKey(tp);
        return [key, { beginning: beginnings.get(key) ?? 0, end: ends.get(key) ?? 0 }];
      }),
    );
    const { storage, starts } = await openGlobalState(
      {
        stateDir: this.#options.stateDir,
        applicationId: this.#options.applicationId,
        leveldb: this.#options.leveldb,
        persistent: globals.some((global) => topology.stores.get(global.store)?.persistent !== false),
        timestampedStores: globals
          .map((global) => topology.stores.get(global.store))
          .filter((store) => store?.timestamped === true)
          .map((store) => store?.name as string),
        logger,
      },
      partitions,
      ranges,
    );
    this.#storage = storage;
    this.#deadLetters = new GlobalDeadLetters(
      this.#options.kafka,
      this.#options.admin,
      this.#options.applicationId,
      logger,
    );
    for (const global of globals) {
      this.#storeOfTopic.set(global.topic, global.store);
      const executor = await TaskExecutor.create({
        topology,
        applicationId: this.#options.applicationId,
        subtopology: global.id,
        partition: 0,
        collector: {
          send: () => {
            throw new Error(`Global store "${global.store}": its processor forwards to no sink`);
          },
          partitionsFor: () => 1,
        },
        appConfigs: this.#options.appConfigs,
        defaultTimestampExtractor: this.#options.defaultTimestampExtractor,
        onDroppedRecord: () => this.#options.onDroppedRecord(),
        globalStores: this.#stores,
        stores: {
          getStore: (definition, task) => {
            const store = keyValueStoreOf(definition, storage.store(definition.name), task.serdeTopic(definition));
            this.#stores.set(definition.name, store);
            return store;
          },
        },
      });
      this.#executors.set(global.topic, executor);
    }
    for (const tp of partitions) {
      const key = topicPartitionKey(tp);
      this.#positions.set(key, { ...tp, offset: starts.get(key) ?? ranges.get(key)?.beginning ?? 0 });
    }
    const started = Date.now();
    const restored = await this.#restore(ends);
    this.#restoredRecords = restored;
    await this.#checkpoint(true);
    logger.info(
      { stores: globals.map((global) => global.store), records: restored, ms: Date.now() - started },
      "global stores restored",
    );
    this.#following = this.#follow();
  }

  /** Records the last start restored (0 when the checkpoint was at the end of every partition). */
  get restoredRecords(): number {
    return this.#restoredRecords;
  }

  /** Reads every partition from its start to the end captured at start, telling the restore listener. */
  async #restore(ends: ReadonlyMap<string, number>): Promise<number> {
    const listener = this.#options.restoreListener;
    const endOf = (p: TopicPartitionOffset) => ends.get(topicPartitionKey(p)) ?? 0;
    const event = (p: TopicPartitionOffset) => ({
      taskId: GLOBAL_TASK_ID,
      store: this.#storeOfTopic.get(p.topic) ?? p.topic,
      topic: p.topic,
      partition: p.partition,
    });
    const restoring = [...this.#positions.values()].filter((p) => p.offset < endOf(p));
    const counts = new Map(restoring.map((p) => [topicPartitionKey(p), 0]));
    for (const p of restoring) listener?.onRestoreStart?.({ ...event(p), startOffset: p.offset, endOffset: endOf(p) });
    let restored = 0;
    for (;;) {
      const behind = [...this.#positions.values()].filter((p) => p.offset < endOf(p));
      if (behind.length === 0 || this.#stopped) break;
      const batch = await this.#readOnce(behind, 0);
      for (const [key, n] of batch) {
        const p = this.#positions.get(key) as TopicPartitionOffset;
        counts.set(key, (counts.get(key) ?? 0) + n);
        restored += n;
        if (n > 0) listener?.onBatchRestored?.({ ...event(p), batchEndOffset: p.offset - 1, numRestored: n });
      }
      await this.#checkpoint(false);
    }
    for (const p of restoring) {
      const key = topicPartitionKey(p);
      listener?.onRestoreEnd?.({ ...event(p), totalRestored: counts.get(key) ?? 0 });
    }
    return restored;
  }

  /** Writes the positions as the stores' checkpoint: always when `force`, else at most every commit interval. */
  async #checkpoint(force: boolean): Promise<void> {
    const now = Date.now();
    if (!force && now - this.#checkpointed < this.#options.commitIntervalMs) return;
    await this.#storage?.commit(new Map(), globalCheckpoint(this.#positions.values()));
    this.#checkpointed = now;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#following?.catch(() => undefined);
    for (const executor of this.#executors.values()) await executor.close().catch(() => undefined);
    await this.#reader?.close().catch(() => undefined);
    await this.#deadLetters?.close().catch(() => undefined);
    // The last positions, so that the next start resumes where this one stopped.
    if (this.#storage?.isOpen === true) await this.#checkpoint(true).catch(() => undefined);
    await this.#storage?.close().catch(() => undefined);
  }

  async #follow(): Promise<void> {
    while (!this.#stopped) {
      try {
        const read = await this.#readOnce([...this.#positions.values()], this.#options.fetchMaxWaitMs);
        if (read.size > 0) await this.#checkpoint(false);
      } catch (error) {
        if (this.#stopped) return;
        this.#options.onFatal(error instanceof Error ? error : new Error(String(error)));
        return;
      }
    }
  }

  /**
   * One read of the given partitions; every record goes through its store's processor.
   * Returns the records read per partition (topicPartitionKey) that moved.
   */
  async #readOnce(positions: readonly TopicPartitionOffset[], maxWaitMs: number): Promise<Map<string, number>> {
    const reader = this.#reader as PartitionReader;
    const reads = await reader.read(positions, { maxWaitMs, ...READ_OPTIONS });
    const counts = new Map<string, number>();
    for (const read of reads) {
      const executor = this.#executors.get(read.topic);
      const key = topicPartitionKey(read);
      if (executor === undefined || read.nextOffset === this.#positions.get(key)?.offset) continue;
      let count = 0;
      for (const record of read.records) {
        if (this.#stopped) return counts;
        await this.#process(executor, record);
        count += 1;
      }
      counts.set(key, count);
      this.#positions.set(topicPartitionKey(read), {
        topic: read.topic,
        partition: read.partition,
        offset: read.nextOffset,
      });
    }
    return counts;
  }

  async #process(executor: TaskExecutor, record: ConsumedRecord): Promise<void> {
    const deadLetters = this.#deadLetters as GlobalDeadLetters;
    const failOnUnreadable = this.#options.deserializationExceptionHandler === "fail";
    if (record.undecodable !== undefined) {
      if (failOnUnreadable) throw new TaskProcessingError(GLOBAL_TASK_ID, record, record.undecodable.reason);
      this.#options.onDeadLetter();
      await deadLetters.undecodableBatch({ ...record, undecodable: record.undecodable });
      return;
    }
    const outcome = await executor.process(record);
    if (outcome.status === "dead-letter") {
      if (failOnUnreadable) throw new TaskProcessingError(GLOBAL_TASK_ID, record, outcome.error);
      this.#options.onDeadLetter();
      await deadLetters.unreadable(record, outcome.error);
    } else if (outcome.status === "skipped") {
      this.#options.onDroppedRecord();
      this.#options.logger.warn(
        { topic: record.topic, partition: record.partition, offset: record.offset, extracted: outcome.timestamp },
        "global store: skipping record due to negative extracted timestamp",
      );
    }
  }
}
