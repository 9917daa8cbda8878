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
// The directory may be an existing folder with other things in it: only partition
// directories the broker can prove its own are ever deleted (topic-dirs.ts, partition-dirs.ts).
// A damaged journal or partition.metadata stops the start with DataDirCorruptError naming the
// file; a torn tail after a crash is cut. Shutdown releases the lock whatever fails on the way,
// and marks the shutdown clean only if every partition and journal was closed cleanly.
//
// Journals stand in for Kafka's metadata log, __consumer_offsets and __transaction_state
// (journal.ts). Every change is written before the request that made it is answered, with
// write() and no fsync, as Kafka does by default: the page cache survives the broker
// process being killed, so kill -9 loses nothing that was acknowledged. fsync happens at a
// clean shutdown, for atomic file replacements, when a segment rolls (in the background) and
// where a topic sets flush.messages / flush.ms. A power loss can therefore lose the last
// writes, exactly as with Kafka's defaults; recovery then cuts the torn tail.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Logger } from "pino";
import { DataDirInvalidError, DataDirLockedError } from "../errors.js";
import type { OffsetChange, OffsetStore } from "../group/offset-store.js";
import type { LogStorage, TopicRecord } from "../log/log-storage.js";
import type { RecoveredTopic } from "../topics/topic-registry.js";
import type { TransactionRecord } from "../transactions/transaction-metadata.js";
import type { TransactionStateStore } from "../transactions/transaction-state-store.js";
import { writeFileAtomically } from "./atomic-file.js";
import { Journal } from "./journal.js";
import { TopicDirectories, type TopicJournalRecord } from "./topic-dirs.js";

const META_DIR = "__eddy";
const CLEAN_SHUTDOWN = ".clean-shutdown";

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
  readonly topics: readonly RecoveredTopic[];
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
  private readonly topicDirs: TopicDirectories;
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
    const journalOptions = { cleanShutdown: this.cleanShutdown };
    const opened: Journal<unknown>[] = [];
    try {
      this.topicDirs = new TopicDirectories({
        root: path,
        journal: () => this.topicJournal,
        cleanShutdown: this.cleanShutdown,
        logger: options.logger,
        now: options.now,
      });
      const topics = Journal.open<TopicJournalRecord>(
        join(meta, "topics.journal"),
        () => this.topicDirs.journalRecords(this.liveTopics()),
        journalOptions,
      );
      opened.push(topics.journal);
      this.topicJournal = topics.journal;
      const offsets = Journal.open<OffsetChange>(
        join(meta, "offsets.journal"),
        () => this.liveOffsets(),
        journalOptions,
      );
      opened.push(offsets.journal);
      this.offsetJournal = offsets.journal;
      this.offsetChanges = offsets.records;
      const transactions = Journal.open<TransactionJournalRecord>(
        join(meta, "transactions.journal"),
        () => this.transactionRecords(),
        journalOptions,
      );
      opened.push(transactions.journal);
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

      this.topicDirs.load(topics.records);
      this.topics = this.topicDirs.topics;
      this.truncatedBytes =
        topics.truncatedBytes + offsets.truncatedBytes + transactions.truncatedBytes + this.topicDirs.truncatedBytes;
      for (const [name, journal] of [
        ["topics", topics],
        ["offsets", offsets],
        ["transactions", transactions],
      ] as const) {
        if (journal.truncatedBytes > 0) {
          options.logger.warn(
            { journal: name, truncatedBytes: journal.truncatedBytes },
            "cut the torn tail of a journal left by a crash",
          );
        }
      }
    } catch (error) {
      for (const journal of opened) journal.closeQuietly();
      throw error;
    }
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

  /** Where topics and partitions are kept: partition directories here, changes in the topics journal. */
  get logStorage(): LogStorage {
    return this.topicDirs.logStorage;
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
   * Shutdown, after every partition was closed (flushed, producer snapshots at the log end).
   * The journals are fsynced and closed; the clean-shutdown marker is written only if `clean`
   * (every partition closed cleanly) and the journals closed too, so that otherwise the next
   * start recovers the logs; the lock is released whatever failed.
   */
  close(clean = true): void {
    if (this.closed) return;
    this.closed = true;
    let journalsClosed = true;
    try {
      for (const journal of [this.topicJournal, this.offsetJournal, this.transactionJournal]) {
        try {
          journal.close();
        } catch (error) {
          journalsClosed = false;
          this.options.logger.error({ err: error, journal: journal.path }, "could not flush and close a journal");
        }
      }
      if (clean && journalsClosed) {
        writeFileAtomically(join(this.path, CLEAN_SHUTDOWN), `${new Date(this.options.now()).toISOString()}\n`);
      } else {
        this.options.logger.error(
          { dataDir: this.path },
          "the data directory was not shut down cleanly: the next start recovers its logs",
        );
      }
    } catch (error) {
      this.options.logger.error({ err: error, dataDir: this.path }, "could not mark the shutdown clean");
    } finally {
      this.releaseLock();
    }
  }

  /** Gives the directory up without touching anything else (a start that failed after opening it). */
  releaseLock(): void {
    this.closed = true;
    try {
      rmSync(join(this.path, ".lock"), { force: true });
    } catch (error) {
      this.options.logger.error({ err: error, dataDir: this.path }, "could not remove the data directory's lock file");
    }
    openDirectories.delete(this.path);
  }
}
