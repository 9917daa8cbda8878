// The topics of a data directory: the topics journal replayed into topics, each partition
// directory checked against it before it is loaded, and the LogStorage through which the
// registry creates, changes and deletes topics at runtime.
//
// What is deleted, and what stops the start (partition-dirs.ts says why names prove nothing):
//  - a directory named like a partition whose partition.metadata names a topic id the journal
//    knows but that is not that partition now (a deleted topic, or a partition whose creation a
//    crash cut short) is the broker's, and removed;
//  - anything else that is not a live partition (no metadata, an id the journal never saw) is
//    left untouched, with a warning;
//  - a live partition's directory whose metadata is missing is adopted (the metadata written
//    again, as Kafka writes a missing one); unreadable metadata, or metadata naming another
//    topic, stops the start with DataDirCorruptError naming the file; a live partition whose
//    directory is gone starts empty, reported at error.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import { DataDirCorruptError } from "../errors.js";
import type { LogStorage, TopicRecord } from "../log/log-storage.js";
import type { PartitionStorage } from "../log/segment-storage.js";
import type { RecoveredTopic } from "../topics/topic-registry.js";
import { FilePartitionStorage } from "./file-partition-storage.js";
import type { Journal } from "./journal.js";
import { loadPartition } from "./partition-loader.js";
import {
  PARTITION_METADATA,
  deletePartitionDir,
  isOwnDeletion,
  listDirectories,
  partitionDirName,
  readPartitionMetadata,
  removeMarkedDir,
  writePartitionMetadata,
} from "./partition-dirs.js";

export type TopicJournalRecord =
  | { op: "topic"; name: string; id: string; partitions: number; configs: [string, string][] }
  /** `id` and `partitions` since deletions prove directories theirs; older records have the name only. */
  | { op: "delete"; name: string; id?: string; partitions?: number };

export function topicRecord(topic: TopicRecord): TopicJournalRecord {
  return {
    op: "topic",
    name: topic.name,
    id: topic.id,
    partitions: topic.partitionCount,
    configs: [...topic.configOverrides],
  };
}

export interface TopicDirectoriesOptions {
  root: string;
  journal: () => Journal<TopicJournalRecord>;
  cleanShutdown: boolean;
  logger: Logger;
  now: () => number;
}

export class TopicDirectories {
  readonly topics: RecoveredTopic[] = [];
  /** Bytes cut from torn log tails during the load. */
  truncatedBytes = 0;
  /** Every topic id the journal ever recorded, with the topic's name. */
  private readonly knownIds = new Map<string, string>();
  /** Ids of the topics that exist now. */
  private readonly liveIds = new Set<string>();
  /** Deleted topics whose directories may still exist: kept as records when the journal is rewritten. */
  private readonly deletions = new Map<string, { name: string; partitions: number }>();

  constructor(private readonly options: TopicDirectoriesOptions) {}

  private dir(topic: string, partition: number): string {
    return join(this.options.root, partitionDirName(topic, partition));
  }

  /** Replays the topics journal and loads every live partition (the broker's start). */
  load(records: readonly TopicJournalRecord[]): void {
    const live = new Map<string, Extract<TopicJournalRecord, { op: "topic" }>>();
    for (const record of records) {
      if (record.op === "topic") {
        live.set(record.name, record);
        this.knownIds.set(record.id, record.name);
      } else {
        live.delete(record.name);
        if (record.id !== undefined) {
          this.knownIds.set(record.id, record.name);
          this.deletions.set(record.id, { name: record.name, partitions: record.partitions ?? 0 });
        }
      }
    }
    for (const topic of live.values()) this.liveIds.add(topic.id);
    const wanted = new Set<string>();
    for (const topic of live.values()) {
      const partitions: RecoveredTopic["partitions"][number][] = [];
      for (let p = 0; p < topic.partitions; p++) {
        const dir = this.dir(topic.name, p);
        wanted.add(dir);
        this.prepareLivePartition(dir, topic.name, p, topic.id);
        const loaded = loadPartition(dir, {
          cleanShutdown: this.options.cleanShutdown,
          now: this.options.now(),
          logger: this.options.logger,
          removeDir: this.removeDir,
        });
        this.truncatedBytes += loaded.truncatedBytes;
        partitions.push({ storage: loaded.storage, log: loaded.log });
      }
      this.topics.push({ name: topic.name, id: topic.id, configs: new Map(topic.configs), partitions });
    }
    this.sweep(wanted);
  }

  /** Makes a live partition's directory loadable, or stops the start (see the top of the file). */
  private prepareLivePartition(dir: string, topic: string, partition: number, topicId: string): void {
    const log = this.options.logger;
    if (!existsSync(dir)) {
      log.error(
        { dir, topic, partition },
        "the directory of a partition in the topics journal is missing: the partition starts empty",
      );
      this.createDir(dir, topicId);
      return;
    }
    const metadata = readPartitionMetadata(dir);
    const file = join(dir, PARTITION_METADATA);
    if (metadata.state === "missing") {
      log.warn(
        { dir, topic, partition, topicId },
        `${PARTITION_METADATA} is missing: written again from the topics journal`,
      );
      writePartitionMetadata(dir, topicId);
      return;
    }
    if (metadata.state === "invalid") {
      throw new DataDirCorruptError(
        file,
        metadata.reason,
        `It should read "version: 0" and "topic_id: ${topicId}" (topic ${topic} in the topics journal): restore it, or write those two lines if the directory is that topic's.`,
      );
    }
    if (metadata.topicId === topicId) return;
    if (this.isDeadTopic(metadata.topicId)) {
      log.info(
        { dir, topic, partition, deletedTopicId: metadata.topicId },
        "removing the directory left by a deleted topic of the same name",
      );
      deletePartitionDir(dir);
      this.createDir(dir, topicId);
      return;
    }
    throw new DataDirCorruptError(
      file,
      `it names topic id ${metadata.topicId}, but ${topic} is topic ${topicId} in the topics journal, which never knew ${metadata.topicId}`,
      "Restore the directory's metadata, or move the directory out of the data directory if it belongs elsewhere.",
    );
  }

  /** A topic id the journal recorded that is not a live topic now. */
  private isDeadTopic(topicId: string): boolean {
    return this.knownIds.has(topicId) && !this.liveIds.has(topicId);
  }

  /** After the load: removes the broker's leftover directories; leaves and reports anything else. */
  private sweep(wanted: ReadonlySet<string>): void {
    const log = this.options.logger;
    const untouched: string[] = [];
    for (const entry of listDirectories(this.options.root)) {
      if (entry.deleting) {
        if (isOwnDeletion(entry.path)) {
          log.info({ dir: entry.path }, "finishing the deletion of a partition directory");
          removeMarkedDir(entry.path);
        } else {
          untouched.push(entry.name);
        }
        continue;
      }
      if (!entry.partition || wanted.has(entry.path)) continue;
      const metadata = readPartitionMetadata(entry.path);
      const known = metadata.state === "valid" && this.knownIds.get(metadata.topicId) === entry.partition.topic;
      if (!known) {
        untouched.push(entry.name);
        continue;
      }
      const reason = this.liveIds.has(metadata.topicId)
        ? "a partition whose creation a crash cut short"
        : "a deleted topic";
      log.info({ dir: entry.path }, `removing the directory of ${reason}`);
      deletePartitionDir(entry.path);
    }
    for (const [id, deletion] of this.deletions) {
      if (!this.hasDirs(id, deletion.name, deletion.partitions)) this.deletions.delete(id);
    }
    if (untouched.length > 0) {
      log.warn(
        { dataDir: this.options.root, directories: untouched.slice(0, 20), count: untouched.length },
        "directories that are not partitions of this broker's topics are left untouched",
      );
    }
  }

  private hasDirs(topicId: string, name: string, partitions: number): boolean {
    for (let p = 0; p < partitions; p++) {
      const metadata = readPartitionMetadata(this.dir(name, p));
      if (metadata.state === "valid" && metadata.topicId === topicId) return true;
    }
    return false;
  }

  private createDir(dir: string, topicId: string): void {
    mkdirSync(dir, { recursive: true });
    writePartitionMetadata(dir, topicId);
  }

  /** Removes a deleted partition's directory; a failure leaves it for the next start, reported. */
  private readonly removeDir = (dir: string): void => {
    try {
      deletePartitionDir(dir);
    } catch (error) {
      this.options.logger.error(
        { err: error, dir },
        "could not remove the directory of a deleted partition; the next start removes it",
      );
    }
  };

  /**
   * Why `<topic>-<partition>` cannot be created for a new partition, or null: a directory of
   * that name that is not provably a leftover of the broker's (which is removed instead).
   */
  conflict(topic: string, partition: number): string | null {
    const dir = this.dir(topic, partition);
    if (!existsSync(dir)) return null;
    const metadata = readPartitionMetadata(dir);
    if (metadata.state === "valid" && this.isDeadTopic(metadata.topicId)) return null;
    return `${dir} exists and is not a partition directory this broker can prove it owns; move it out of the data directory`;
  }

  /** The records that rebuild the topics journal: live topics, and deletions whose directories are not gone yet. */
  *journalRecords(live: Iterable<TopicRecord>): Generator<TopicJournalRecord> {
    for (const topic of live) yield topicRecord(topic);
    for (const [id, { name, partitions }] of this.deletions) {
      if (this.hasDirs(id, name, partitions)) yield { op: "delete", name, id, partitions };
      else this.deletions.delete(id);
    }
  }

  /** Where the registry keeps topics: partition directories here, changes in the topics journal. */
  get logStorage(): LogStorage {
    return {
      partition: (topic, partition): PartitionStorage => {
        const dir = this.dir(topic.name, partition);
        const problem = this.conflict(topic.name, partition);
        if (problem !== null) throw new Error(problem);
        if (existsSync(dir)) deletePartitionDir(dir);
        this.createDir(dir, topic.id);
        return new FilePartitionStorage(dir, [], this.removeDir);
      },
      conflict: (topic, partition) => this.conflict(topic, partition),
      topicCreated: (topic) => {
        this.knownIds.set(topic.id, topic.name);
        this.liveIds.add(topic.id);
        this.options.journal().append(topicRecord(topic));
      },
      topicChanged: (topic) => this.options.journal().append(topicRecord(topic)),
      topicDeleted: (topic) => {
        // Recorded before the directories go: a rewrite of the journal keeps the deletion
        // while they exist, so a crash in between leaves directories the next start proves its own.
        this.liveIds.delete(topic.id);
        this.deletions.set(topic.id, { name: topic.name, partitions: topic.partitionCount });
        this.options.journal().append({
          op: "delete",
          name: topic.name,
          id: topic.id,
          partitions: topic.partitionCount,
        });
      },
    };
  }
}
