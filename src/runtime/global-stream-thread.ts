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
// persistent) and are rebuilt from their topics at every start.
import { rm } from "node:fs/promises";
import type { Logger } from "pino";
import { TaskExecutor } from "../engine/task-executor.js";
import { keyValueStoreOf } from "../engine/task-stores.js";
import { PartitionReader } from "../kafka/partition-reader.js";
import type { ConsumedRecord, TopicPartitionOffset } from "../kafka/types.js";
import type { KafkaClient } from "../kafka/client.js";
import { topicPartitionKey } from "../kafka/types.js";
import type { KafkaAdmin } from "../kafka/admin-client.js";
import type { KeyValueStore } from "../stores/key-value-store.js";
import { InMemoryTaskStorage } from "../stores/in-memory-task-storage.js";
import { LevelDbTaskStorage } from "../stores/leveldb-task-storage.js";
import { taskStateDirectory } from "../stores/state-directory.js";
import type { TaskStorage } from "../stores/task-storage.js";
import type { TimestampExtractor } from "../topology/timestamp-extractor.js";
import type { Topology } from "../topology/topology.js";
import { MissingSourceTopicError } from "./errors.js";

export const GLOBAL_TASK_ID = "global";

export interface GlobalStreamThreadOptions {
  readonly kafka: KafkaClient;
  readonly admin: KafkaAdmin;
  readonly topology: Topology;
  readonly applicationId: string;
  readonly clientId: string;
  readonly stateDir: string;
  readonly appConfigs: Readonly<Record<string, unknown>>;
  readonly defaultTimestampExtractor: TimestampExtractor;
  readonly fetchMaxWaitMs: number;
  readonly logger: Logger;
  /** A record a global processor could not process stops the instance, as in Kafka Streams. */
  readonly onFatal: (error: Error) => void;
  readonly onDroppedRecord: () => void;
}

const READ_OPTIONS = { maxBytes: 4 << 20, maxBytesPerPartition: 1 << 20 };

export class GlobalStreamThread {
  readonly #options: GlobalStreamThreadOptions;
  readonly #stores = new Map<string, KeyValueStore<unknown, unknown>>();
  readonly #executors = new Map<string, TaskExecutor>();
  readonly #positions = new Map<string, TopicPartitionOffset>();
  #reader: PartitionReader | undefined;
  #storage: TaskStorage | undefined;
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
    const persistent = globals.some((global) => topology.stores.get(global.store)?.persistent !== false);
    this.#storage = persistent ? await this.#openLevelDb() : new InMemoryTaskStorage(GLOBAL_TASK_ID);
    const storage = this.#storage;
    for (const global of globals) {
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
          getStore: (definition) => {
            const store = keyValueStoreOf(definition, storage.store(definition.name));
            this.#stores.set(definition.name, store);
            return store;
          },
        },
      });
      this.#executors.set(global.topic, executor);
    }
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
    for (const tp of partitions) {
      this.#positions.set(topicPartitionKey(tp), { ...tp, offset: beginnings.get(topicPartitionKey(tp)) ?? 0 });
    }
    const started = Date.now();
    let restored = 0;
    for (;;) {
      const behind = [...this.#positions.values()].filter((p) => p.offset < (ends.get(topicPartitionKey(p)) ?? 0));
      if (behind.length === 0 || this.#stopped) break;
      restored += await this.#readOnce(behind, 0);
    }
    logger.info(
      { stores: globals.map((global) => global.store), records: restored, ms: Date.now() - started },
      "global stores restored",
    );
    this.#following = this.#follow();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#following?.catch(() => undefined);
    for (const executor of this.#executors.values()) await executor.close().catch(() => undefined);
    await this.#reader?.close().catch(() => undefined);
    await this.#storage?.close().catch(() => undefined);
  }

  async #follow(): Promise<void> {
    while (!this.#stopped) {
      try {
        await this.#readOnce([...this.#positions.values()], this.#options.fetchMaxWaitMs);
      } catch (error) {
        if (this.#stopped) return;
        this.#options.onFatal(error instanceof Error ? error : new Error(String(error)));
        return;
      }
    }
  }

  /** One read of the given partitions; every record goes through its store's processor. */
  async #readOnce(positions: readonly TopicPartitionOffset[], maxWaitMs: number): Promise<number> {
    const reader = this.#reader as PartitionReader;
    const reads = await reader.read(positions, { maxWaitMs, ...READ_OPTIONS });
    let count = 0;
    for (const read of reads) {
      const executor = this.#executors.get(read.topic);
      if (executor === undefined) continue;
      for (const record of read.records) {
        if (this.#stopped) return count;
        await this.#process(executor, record);
        count += 1;
      }
      this.#positions.set(topicPartitionKey(read), {
        topic: read.topic,
        partition: read.partition,
        offset: read.nextOffset,
      });
    }
    return count;
  }

  async #process(executor: TaskExecutor, record: ConsumedRecord): Promise<void> {
    const outcome = await executor.process(record);
    // A record the store cannot read is skipped, as Kafka Streams' global thread does
    // with a continue handler: the global store is reference data, rebuilt from its topic.
    if (outcome.status !== "processed") {
      this.#options.logger.warn(
        { topic: record.topic, partition: record.partition, offset: record.offset, status: outcome.status },
        "global store: skipped a record it cannot read",
      );
    }
  }

  async #openLevelDb(): Promise<TaskStorage> {
    const { stateDir, applicationId, topology } = this.#options;
    // Rebuilt from the topics at every start: no checkpoint to trust.
    await rm(taskStateDirectory(stateDir, applicationId, GLOBAL_TASK_ID), { recursive: true, force: true });
    return LevelDbTaskStorage.open({
      stateDir,
      applicationId,
      taskId: GLOBAL_TASK_ID,
      timestampedStores: topology.globalStores
        .map((global) => topology.stores.get(global.store))
        .filter((store) => store?.timestamped === true)
        .map((store) => store?.name as string),
    });
  }
}
