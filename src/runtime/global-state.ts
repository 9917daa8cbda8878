// Where the global stores start from at an instance's start: Kafka Streams' global
// .checkpoint. The stores keep, with their data, the offset each partition of their topics
// was read to; a restart resumes there and restores only what arrived since. The state is
// rebuilt from the beginning of the topics instead when it cannot be trusted: no checkpoint
// for some partition (a new global store, a crash before the first one), a checkpoint
// outside the partition's offsets (the topic was recreated, or retention passed it), a
// damaged checkpoint or database. The topics are the truth; the local copy is a cache.
import { rm } from "node:fs/promises";
import type { Logger } from "pino";
import type { TopicPartition } from "../kafka/types.js";
import { topicPartitionKey } from "../kafka/types.js";
import { changelogPartition } from "../stores/checkpoint.js";
import type { Checkpoint } from "../stores/checkpoint.js";
import { StateDirectoryLockedError } from "../stores/errors.js";
import { InMemoryTaskStorage } from "../stores/in-memory-task-storage.js";
import { LevelDbTaskStorage } from "../stores/leveldb-task-storage.js";
import type { LevelDbTuning } from "../stores/leveldb-task-storage.js";
import { taskStateDirectory } from "../stores/state-directory.js";
import type { TaskStorage } from "../stores/task-storage.js";

export const GLOBAL_TASK_ID = "global";

export interface GlobalStateOptions {
  readonly stateDir: string;
  readonly applicationId: string;
  /** How much memory the database may hold (leveldb-tuning.ts has the defaults). */
  readonly leveldb?: LevelDbTuning | undefined;
  /** Some global store is persistent: LevelDB with a checkpoint; otherwise memory, rebuilt at every start. */
  readonly persistent: boolean;
  readonly timestampedStores: readonly string[];
  readonly logger: Logger;
}

export interface OffsetRange {
  readonly beginning: number;
  readonly end: number;
}

export interface GlobalState {
  readonly storage: TaskStorage;
  /** Where to start reading each partition (topicPartitionKey -> offset). */
  readonly starts: ReadonlyMap<string, number>;
}

/** Opens the global stores and says where each partition resumes. */
export async function openGlobalState(
  options: GlobalStateOptions,
  partitions: readonly TopicPartition[],
  ranges: ReadonlyMap<string, OffsetRange>,
): Promise<GlobalState> {
  const fromBeginning = new Map(partitions.map((tp) => [topicPartitionKey(tp), rangeOf(ranges, tp).beginning]));
  if (!options.persistent) return { storage: new InMemoryTaskStorage(GLOBAL_TASK_ID), starts: fromBeginning };
  let storage: LevelDbTaskStorage;
  let checkpoint: Checkpoint;
  try {
    storage = await open(options);
    checkpoint = await storage.readCheckpoint().catch(async (error: unknown) => {
      await storage.close();
      throw error;
    });
  } catch (error) {
    if (error instanceof StateDirectoryLockedError) throw error;
    options.logger.warn({ err: error }, "global stores: the local state cannot be read; rebuilding it from the topics");
    return { storage: await wipeAndOpen(options), starts: fromBeginning };
  }
  const starts = new Map<string, number>();
  for (const tp of partitions) {
    const offset = checkpoint.get(changelogPartition(tp.topic, tp.partition));
    const { beginning, end } = rangeOf(ranges, tp);
    if (offset === undefined || offset < beginning || offset > end) {
      const why = offset === undefined ? "no checkpoint" : `checkpoint ${offset} outside ${beginning}..${end}`;
      if (checkpoint.size > 0) {
        options.logger.warn(
          { topic: tp.topic, partition: tp.partition, reason: why },
          "global stores: rebuilding them from the beginning of their topics",
        );
      }
      await storage.close();
      return { storage: await wipeAndOpen(options), starts: fromBeginning };
    }
    starts.set(topicPartitionKey(tp), offset);
  }
  return { storage, starts };
}

/** The checkpoint of the global stores: every partition's next offset. */
export function globalCheckpoint(positions: Iterable<TopicPartition & { offset: number }>): Checkpoint {
  return new Map([...positions].map((p) => [changelogPartition(p.topic, p.partition), p.offset]));
}

function rangeOf(ranges: ReadonlyMap<string, OffsetRange>, tp: TopicPartition): OffsetRange {
  return ranges.get(topicPartitionKey(tp)) ?? { beginning: 0, end: 0 };
}

function open(options: GlobalStateOptions): Promise<LevelDbTaskStorage> {
  return LevelDbTaskStorage.open({
    stateDir: options.stateDir,
    applicationId: options.applicationId,
    taskId: GLOBAL_TASK_ID,
    timestampedStores: options.timestampedStores,
    ...(options.leveldb === undefined ? {} : { leveldb: options.leveldb }),
  });
}

async function wipeAndOpen(options: GlobalStateOptions): Promise<LevelDbTaskStorage> {
  await rm(taskStateDirectory(options.stateDir, options.applicationId, GLOBAL_TASK_ID), {
    recursive: true,
    force: true,
  });
  return open(options);
}
