// A task's local state, as Kafka Streams' ProcessorStateManager: it opens the task's
// storage (one LevelDB per task directory, or memory when no store of the task is
// persistent), reads the checkpoint, and decides where each changelog partition must
// be restored from. A checkpoint outside the changelog's offsets (beyond its end, or
// before its start: the topic was recreated or records were deleted) means the local
// state cannot be trusted: the task's state is wiped and restored from scratch. A
// valid checkpoint is trusted whatever the processing guarantee, so a crash under
// exactly-once restores only what came after it.
import type { Logger } from "pino";
import type { PartitionReader } from "../kafka/partition-reader.js";
import { topicPartitionKey } from "../kafka/types.js";
import { changelogPartition } from "../stores/checkpoint.js";
import type { Checkpoint } from "../stores/checkpoint.js";
import { InMemoryTaskStorage } from "../stores/in-memory-task-storage.js";
import { LevelDbTaskStorage } from "../stores/leveldb-task-storage.js";
import type { LevelDbTuning } from "../stores/leveldb-task-storage.js";
import type { TaskStorage } from "../stores/task-storage.js";
import type { RestorePartition } from "./changelog-records.js";
import type { TaskId } from "../engine/task-id.js";
import type { ChangelogPartition } from "./topology-metadata.js";

export interface StateLocation {
  stateDir: string;
  applicationId: string;
  /** How much memory each task's LevelDB may hold (leveldb-tuning.ts has the defaults). */
  leveldb?: LevelDbTuning;
}

export interface RestorePlan {
  partitions: Array<RestorePartition>;
  /** The local state was found corrupt and wiped. */
  wiped: boolean;
}

/** Sum of a checkpoint's offsets: how far a task's local state has come, for the assignor. */
export function offsetSum(checkpoint: Checkpoint): number {
  let sum = 0;
  for (const offset of checkpoint.values()) sum += offset;
  return sum;
}

/** What the storage did without on open (a damaged stream time): the task runs on, as it did before Eddy kept it. */
function logOpenWarnings(storage: LevelDbTaskStorage, logger: Logger): LevelDbTaskStorage {
  for (const problem of storage.openWarnings) {
    logger.warn(
      { taskId: storage.taskId, directory: storage.directory },
      `task state opened without part of its bookkeeping: ${problem}`,
    );
  }
  return storage;
}

export class TaskStateManager {
  private constructor(
    readonly taskId: TaskId,
    private current: TaskStorage,
    readonly changelogs: readonly ChangelogPartition[],
    private readonly persistent: boolean,
    private readonly location: StateLocation,
    private readonly logger: Logger,
    private readonly timestampedStores: readonly string[],
  ) {}

  static async open(options: {
    taskId: TaskId;
    changelogs: readonly ChangelogPartition[];
    persistent: boolean;
    location: StateLocation;
    logger: Logger;
    /** The task's timestamped stores: state written before Eddy kept timestamps is upgraded on open. */
    timestampedStores: readonly string[];
    /** Storage handed over by a standby (or active) copy of the same task on this instance. */
    storage?: TaskStorage;
  }): Promise<TaskStateManager> {
    const storage =
      options.storage ??
      (options.persistent
        ? logOpenWarnings(
            await LevelDbTaskStorage.open({
              ...options.location,
              taskId: options.taskId,
              timestampedStores: options.timestampedStores,
            }),
            options.logger,
          )
        : new InMemoryTaskStorage(options.taskId));
    return new TaskStateManager(
      options.taskId,
      storage,
      options.changelogs,
      options.persistent,
      options.location,
      options.logger,
      options.timestampedStores,
    );
  }

  get storage(): TaskStorage {
    return this.current;
  }

  async checkpoint(): Promise<Checkpoint> {
    return this.current.readCheckpoint();
  }

  /**
   * Where each changelog partition must be restored from, and up to where. `ends` are
   * the changelogs' last stable offsets, read after this instance fenced any previous
   * owner of the task (exactly-once), so nothing will be committed below them anymore.
   * A source topic that is a changelog is restored up to the offset the group committed
   * (`committed`, by topicPartitionKey; none: nothing), as Kafka Streams' StoreChangelogReader
   * restores it: the task processes the rest.
   */
  async planRestore(reader: PartitionReader, committed?: ReadonlyMap<string, number>): Promise<RestorePlan> {
    if (this.changelogs.length === 0) return { partitions: [], wiped: false };
    const [begins, ends] = await Promise.all([
      reader.beginningOffsets(this.changelogs),
      reader.endOffsets(this.changelogs),
    ]);
    let checkpoint = await this.current.readCheckpoint();
    const corrupt = this.changelogs.filter((c) => {
      const offset = checkpoint.get(changelogPartition(c.topic, c.partition));
      if (offset === undefined) return false;
      const begin = begins.get(topicPartitionKey(c)) ?? 0;
      const end = ends.get(topicPartitionKey(c)) ?? 0;
      return offset > end || offset < begin;
    });
    let wiped = false;
    if (corrupt.length > 0) {
      this.logger.warn(
        {
          taskId: this.taskId,
          changelogs: corrupt.map((c) => ({
            topic: c.topic,
            partition: c.partition,
            checkpoint: checkpoint.get(changelogPartition(c.topic, c.partition)),
            logStart: begins.get(topicPartitionKey(c)),
            end: ends.get(topicPartitionKey(c)),
          })),
        },
        "checkpoint outside the changelog (topic recreated or records deleted): wiping the task's state and restoring it from scratch",
      );
      await this.wipe();
      checkpoint = new Map();
      wiped = true;
    }
    return {
      wiped,
      partitions: this.changelogs.map((c) => {
        const begin = begins.get(topicPartitionKey(c)) ?? 0;
        const offset = checkpoint.get(changelogPartition(c.topic, c.partition)) ?? begin;
        const end = ends.get(topicPartitionKey(c)) ?? 0;
        return {
          store: c.store,
          format: c.format,
          ...(c.retention === undefined ? {} : { retention: c.retention }),
          ...(c.sourceTopic === true ? { stopAtEnd: true as const } : {}),
          topic: c.topic,
          partition: c.partition,
          offset,
          endOffset: c.sourceTopic === true ? Math.min(end, committed?.get(topicPartitionKey(c)) ?? 0) : end,
        };
      }),
    };
  }

  /** Deletes the local state and opens it again, empty. */
  async wipe(): Promise<void> {
    if (this.current instanceof LevelDbTaskStorage) {
      await this.current.wipe();
      this.current = await this.#openLevelDb();
    } else {
      await this.current.close();
      this.current = this.persistent ? await this.#openLevelDb() : new InMemoryTaskStorage(this.taskId);
    }
  }

  async #openLevelDb(): Promise<LevelDbTaskStorage> {
    const storage = await LevelDbTaskStorage.open({
      ...this.location,
      taskId: this.taskId,
      timestampedStores: this.timestampedStores,
    });
    return logOpenWarnings(storage, this.logger);
  }

  /** Closes the storage; the state stays on disk for the next owner on this instance. */
  async close(): Promise<void> {
    await this.current.close();
  }
}
