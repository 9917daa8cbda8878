// Where the topic registry keeps topics and their partitions: in memory (the default), or
// in a data directory (storage/data-dir.ts). Topic metadata changes are reported here so a
// data directory can persist them before the client's request is answered.
import { memorySegmentStorage } from "./memory-segment-storage.js";
import type { PartitionStorage } from "./segment-storage.js";

/** What a topic is, as persisted: name, id, partition count and config overrides. */
export interface TopicRecord {
  readonly name: string;
  readonly id: string;
  readonly partitionCount: number;
  readonly configOverrides: ReadonlyMap<string, string>;
}

export interface LogStorage {
  /** The storage of a partition that starts empty (a new topic or partition). */
  partition(topic: TopicRecord, partition: number): PartitionStorage;
  /** Why a new partition of `topic` cannot get its storage (a directory in the way), or null. */
  conflict(topic: string, partition: number): string | null;
  topicCreated(topic: TopicRecord): void;
  /** Config overrides replaced or partitions added. */
  topicChanged(topic: TopicRecord): void;
  topicDeleted(topic: TopicRecord): void;
}

export const memoryLogStorage: LogStorage = {
  partition: () => memorySegmentStorage,
  conflict: () => null,
  topicCreated: () => undefined,
  topicChanged: () => undefined,
  topicDeleted: () => undefined,
};
