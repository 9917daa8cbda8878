// The broker's data directory (`startBroker({ dataDir })`, `eddy broker --data-dir`):
//
//   meta.properties                   cluster.id and node.id, as in a Kafka log dir
//   .lock                             the pid of the broker using the directory
//   .clean-shutdown                   written last by a clean stop; absent after a crash
//   __eddy/topics.journal             topics: id, partition count, config overrides
//   __eddy/offsets.journal            committed and pending transactional group offsets
//   __eddy/transactions.journal       transactional ids' state, producer id reservations
//   <topic>-<partition>/              one directory per partition (file-partition-storage.ts)
//
// Journals stand in for Kafka's metadata log, __consumer_offsets and __transaction_state
// (journal.ts). Every change is written before the request that made it is answered, with
// write() and no fsync, as Kafka does by default: the page cache survives the broker
// process being killed, so kill -9 loses nothing that was acknowledged. fsync happens at a
// clean shutdown, for atomic file replacements, when a segment rolls (in the background) and
// where a topic sets flush.messages / flush.ms. A power loss can therefore lose the last
// writes, exactly as with Kafka's defaults; recovery then cuts the torn tail.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Logger } from "pino";
import { DataDirInvalidError, DataDirLockedError } from "../errors.js";
import type { OffsetChange, OffsetStore } from "../group/offset-store.js";
import type { LogStorage, TopicRecord } from "../log/log-storage.js";
import type { PartitionStorage } from "../log/segment-storage.js";
import type { RecoveredTopic } from "../topics/topic-registry.js";
import type { TransactionRecord } from "../transactions/transaction-metadata.js";
import type { TransactionStateStore } from "../transactions/transaction-state-store.js";
import { writeFileAtomically } from "./atomic-file.js";
import { FilePartitionStorage } from "./file-partition-storage.js";
import { Journal } from "./journal.js";
import { loadPartition } from "./partition-loader.js";

const META_DIR = "__eddy";
const PARTITION_DIR = /^(.+)-(\d+)$/;
const CLEAN_SHUTDOWN = ".clean-shutdown";

type TopicJournalRecord =
  | { op: "topic"; name: string; id: string; partitions: number; configs: [string, string][] }
  | { op: "delete"; name: string };

type TransactionJournalRecord =
  | { op: "txn"; record: TransactionRecord }
  | { op: "remove"; transactionalId: string }
  | { op: "producer-ids"; end: number };

/** Directories open in this process (a second broker on one directory would corrupt it). */
const openDirectories = new Set<string>();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readProperties(path: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const trimmed = line.trim();
    if (trimmed.length === 0 || trimmed.startsWith("#")) continue;
    const eq = trimmed.indexOf("=");
    if (eq > 0) out.set(trimmed.slice(0, eq).trim(), trimmed.slice(eq + 1).trim());
  }
  return out;
}

function topicRecord(topic: TopicRecord): TopicJournalRecord {
  return {
    op: "topic",
    name: topic.name,
    id: topic.id,
    partitions: topic.partitionCount,
    configs: [...topic.configOverrides],
  };
}

export interface DataDirectoryOptions {
  nodeId: number;
  /** The cluster id of a new directory. */
  newClusterId: string;
  logger: Logger;
  now: () => number;
}

export class DataDirectory {
  readonly clusterId: string;
  /** Whether the previous broker stopped cleanly (no log recovery was needed). */
  readonly cleanShutdown: boolean;
  readonly topics: RecoveredTopic[] = [];
  readonly offsetChanges: OffsetChange[];
  readonly transactions: TransactionRecord[];
  /** The first producer id no earlier run can have handed out. */
  readonly firstFreeProducerId: number;
  /** Bytes cut from torn or corrupt log tails during this load. */
  readonly truncatedBytes: number;

  /** Late-bound owners of the live state, for rewriting journals. */
  liveTopics: () => Iterable<TopicRecord> = () => [];
  liveOffsets: () => Iterable<OffsetChange> = () => [];
  liveTransactions: () => Iterable<TransactionRecord> = () => [];

  private readonly topicJournal: Journal<TopicJournalRecord>;
  private readonly offsetJournal: Journal<OffsetChange>;
  private readonly transactionJournal: Journal<TransactionJournalRecord>;
  private producerIdsEnd: number;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly options: DataDirectoryOptions,
  ) {
    const meta = join(path, META_DIR);
    mkdirSync(meta, { recursive: true });
    this.clusterId = this.readMeta();
    this.cleanShutdown = existsSync(join(path, CLEAN_SHUTDOWN));

    const topics = Journal.open<TopicJournalRecord>(join(meta, "topics.journal"), () =>
      [...this.liveTopics()].map(topicRecord),
    );
    this.topicJournal = topics.journal;
    const offsets = Journal.open<OffsetChange>(join(meta, "offsets.journal"), () => this.liveOffsets());
    this.offsetJournal = offsets.journal;
    this.offsetChanges = offsets.records;
    const transactions = Journal.open<TransactionJournalRecord>(join(meta, "transactions.journal"), () =>
      this.transactionRecords(),
    );
    this.transactionJournal = transactions.journal;

    const byId = new Map<string, TransactionRecord>();
    let producerIdsEnd = 0;
    for (const record of transactions.records) {
      if (record.op === "txn") byId.set(record.record.transactionalId, record.record);
      else if (record.op === "remove") byId.delete(record.transactionalId);
      else producerIdsEnd = Math.max(producerIdsEnd, record.end);
    }
    this.transactions = [...byId.values()];
    this.producerIdsEnd = producerIdsEnd;
    this.firstFreeProducerId = producerIdsEnd;

    let truncated = topics.truncatedBytes + offsets.truncatedBytes + transactions.truncatedBytes;
    truncated += this.loadTopics(topics.records);
    this.truncatedBytes = truncated;
    // From here on a crash is an unclean shutdown again.
    if (this.cleanShutdown) unlinkSync(join(path, CLEAN_SHUTDOWN));
  }

  /** Opens (creating if needed) and locks the directory, and loads everything in it. */
  static open(dir: string, options: DataDirectoryOptions): DataDirectory {
    const path = resolve(dir);
    if (existsSync(path) && !statSync(path).isDirectory()) throw new DataDirInvalidError(path, "it is not a directory");
    mkdirSync(path, { recursive: true });
    if (openDirectories.has(path)) throw new DataDirLockedError(path, process.pid);
    const lock = join(path, ".lock");
    if (existsSync(lock)) {
      const pid = Number(readFileSync(lock, "utf8").trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid))
        throw new DataDirLockedError(path, pid);
    }
    writeFileSync(lock, `${process.pid}\n`);
    openDirectories.add(path);
    try {
      return new DataDirectory(path, options);
    } catch (error) {
      openDirectories.delete(path);
      rmSync(lock, { force: true });
      throw error;
    }
  }

  private readMeta(): string {
    const file = join(this.path, "meta.properties");
    if (existsSync(file)) {
      const properties = readProperties(file);
      const clusterId = properties.get("cluster.id");
      const nodeId = Number(properties.get("node.id") ?? properties.get("broker.id"));
      if (!clusterId) throw new DataDirInvalidError(this.path, "meta.properties has no cluster.id");
      if (nodeId !== this.options.nodeId) {
        throw new DataDirInvalidError(this.path, `it belongs to node ${nodeId}, not node ${this.options.nodeId}`);
      }
      return clusterId;
    }
    const content = `#Written by eddy broker\nversion=1\ncluster.id=${this.options.newClusterId}\nnode.id=${this.options.nodeId}\n`;
    writeFileAtomically(file, content);
    return this.options.newClusterId;
  }

  private partitionDir(topic: string, partition: number): string {
    return join(this.path, `${topic}-${partition}`);
  }

  private loadTopics(records: readonly TopicJournalRecord[]): number {
    const final = new Map<string, Extract<TopicJournalRecord, { op: "topic" }>>();
    for (const record of records) {
      if (record.op === "topic") final.set(record.name, record);
      else final.delete(record.name);
    }
    const wanted = new Set<string>();
    let truncated = 0;
    for (const topic of final.values()) {
      const partitions: RecoveredTopic["partitions"][number][] = [];
      for (let p = 0; p < topic.partitions; p++) {
        const dir = this.partitionDir(topic.name, p);
        wanted.add(dir);
        if (!existsSync(dir) || this.topicIdIn(dir) !== topic.id) {
          // Missing (a crash right after the topic was recorded) or left by a deleted topic of that name.
          rmSync(dir, { recursive: true, force: true });
          this.createPartitionDir(dir, topic.id);
        }
        const loaded = loadPartition(dir, {
          cleanShutdown: this.cleanShutdown,
          now: this.options.now(),
          logger: this.options.logger,
        });
        truncated += loaded.truncatedBytes;
        partitions.push({ storage: loaded.storage, log: loaded.log });
      }
      this.topics.push({ name: topic.name, id: topic.id, configs: new Map(topic.configs), partitions });
    }
    for (const entry of readdirSync(this.path, { withFileTypes: true })) {
      if (!entry.isDirectory() || !PARTITION_DIR.test(entry.name)) continue;
      const dir = join(this.path, entry.name);
      if (!wanted.has(dir)) {
        this.options.logger.info({ dir }, "removing the directory of a deleted partition");
        rmSync(dir, { recursive: true, force: true });
      }
    }
    return truncated;
  }

  private topicIdIn(dir: string): string | null {
    const file = join(dir, "partition.metadata");
    if (!existsSync(file)) return null;
    const match = /topic_id:\s*(\S+)/.exec(readFileSync(file, "utf8"));
    return match ? match[1]! : null;
  }

  private createPartitionDir(dir: string, topicId: string): void {
    mkdirSync(dir, { recursive: true });
    writeFileAtomically(join(dir, "partition.metadata"), `version: 0\ntopic_id: ${topicId}\n`);
  }

  /** Where topics and partitions are kept: files in this directory. */
  get logStorage(): LogStorage {
    return {
      partition: (topic, partition): PartitionStorage => {
        const dir = this.partitionDir(topic.name, partition);
        rmSync(dir, { recursive: true, force: true });
        this.createPartitionDir(dir, topic.id);
        return new FilePartitionStorage(dir);
      },
      topicCreated: (topic) => this.topicJournal.append(topicRecord(topic)),
      topicChanged: (topic) => this.topicJournal.append(topicRecord(topic)),
      topicDeleted: (topic) => this.topicJournal.append({ op: "delete", name: topic.name }),
    };
  }

  get offsetStore(): OffsetStore {
    return { write: (change) => this.offsetJournal.append(change) };
  }

  get transactionStore(): TransactionStateStore {
    return {
      write: (record) => this.transactionJournal.append({ op: "txn", record }),
      remove: (transactionalId) => this.transactionJournal.append({ op: "remove", transactionalId }),
      reserveProducerIds: (end) => {
        this.producerIdsEnd = Math.max(this.producerIdsEnd, end);
        this.transactionJournal.append({ op: "producer-ids", end });
      },
    };
  }

  private *transactionRecords(): Generator<TransactionJournalRecord> {
    yield { op: "producer-ids", end: this.producerIdsEnd };
    for (const record of this.liveTransactions()) yield { op: "txn", record };
  }

  /**
   * Clean shutdown, after every partition was closed (flushed, producer snapshots at the log
   * end): the journals are fsynced, the clean-shutdown marker written and the lock released.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.topicJournal.close();
    this.offsetJournal.close();
    this.transactionJournal.close();
    writeFileAtomically(join(this.path, CLEAN_SHUTDOWN), `${new Date(this.options.now()).toISOString()}\n`);
    rmSync(join(this.path, ".lock"), { force: true });
    openDirectories.delete(this.path);
  }
}
