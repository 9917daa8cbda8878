// One changelog read applied to a task's storage, for restore and standby updates alike.
// Consumed records already have the shape of changelog records; the storage writes them as
// they are decoded, and moves the partition's checkpoint in the same LevelDB batch.
import type { PartitionRead } from "../kafka/partition-reader.js";
import type { ConsumedRecord, TopicPartition } from "../kafka/types.js";
import { changelogPartition } from "../stores/checkpoint.js";
import type { ChangelogFormat } from "../stores/changelog-format.js";
import { dropExpiredRows, liveRestoredRows } from "../stores/segmented-retention.js";
import type { SegmentedRetention } from "../stores/segmented-retention.js";
import type { StreamTimeCell } from "../stores/store-stream-time.js";
import type { ChangelogRecord, TaskStorage } from "../stores/task-storage.js";

export interface ChangelogPosition extends TopicPartition {
  store: string;
  /** How the store's bytes travel on the changelog; records are restored as they are when absent. */
  format?: ChangelogFormat;
  /** How a window or session store's rows expire: restored records advance its stream time and expire by it. */
  retention?: SegmentedRetention;
  /** Next offset to read. */
  offset: number;
}

/** A changelog partition to restore, up to `endOffset`. */
export interface RestorePartition extends ChangelogPosition {
  endOffset: number;
  /**
   * A source topic that is the store's changelog: others write on beyond the end (the
   * offset the task committed), and a read's records from the end on are not restored.
   */
  stopAtEnd?: true;
}

/** The part of a read before `endOffset`: what a restore that must stop there applies. */
export function readUpTo(
  read: PartitionRead<Iterable<ConsumedRecord>>,
  endOffset: number,
): PartitionRead<Iterable<ConsumedRecord>> {
  if (read.nextOffset <= endOffset) return read;
  const records = read.records;
  return {
    ...read,
    records: (function* () {
      for (const record of records) if (record.offset < endOffset) yield record;
    })(),
    nextOffset: endOffset,
  };
}

export interface ChangelogReadApplied {
  /** Records applied. */
  records: number;
  /** The largest timestamp among them (-1 when none): what a restore advances a store's stream time to. */
  maxTimestamp: number;
}

/**
 * Consumed records already have the shape of changelog records; keyless ones (never
 * valid in a changelog) are dropped, and a store whose bytes differ from its changelog's
 * (timestamped stores) gets them converted back. Lazy, as the records it reads: the
 * storage writes each as it comes, and `counted.records` says how many went through.
 * `clock`, when given, moves with the records' timestamps as they are read.
 */
function* changelogRecords(
  records: Iterable<ConsumedRecord>,
  format: ChangelogFormat | undefined,
  counted: ChangelogReadApplied,
  clock: StreamTimeCell | undefined,
): Generator<ChangelogRecord> {
  const convert = format !== undefined && !format.identity;
  for (const record of records) {
    if (record.key === null) continue;
    counted.records += 1;
    if (record.timestamp > counted.maxTimestamp) counted.maxTimestamp = record.timestamp;
    if (clock !== undefined && record.timestamp > clock.time) clock.time = record.timestamp;
    yield convert ? format.fromChangelog(record as ChangelogRecord) : (record as ChangelogRecord);
  }
}

/**
 * Writes one partition's read into its store up to the read's next offset (the checkpoint
 * moves with the data); resolves with how many records it applied and their latest timestamp.
 * The store's stream time (storage.streamTimes) advances with them: by their timestamps for
 * a versioned store (RocksDBVersionedStore.restoreBatch); for a window or session store by
 * their keys' times, skipping records into expired segments and dropping the segments that
 * expire, as Kafka Streams' segmented stores restore (segmented-retention.ts).
 */
export async function applyChangelogRead(
  storage: TaskStorage,
  position: Pick<ChangelogPosition, "store" | "format" | "retention">,
  read: PartitionRead<Iterable<ConsumedRecord>>,
): Promise<ChangelogReadApplied> {
  const { store, format, retention } = position;
  const counted = { records: 0, maxTimestamp: -1 };
  const clock = storage.streamTimes.of(store);
  const records = changelogRecords(read.records, format, counted, retention === undefined ? clock : undefined);
  // The clock moves as the records are read, so that the storage writes it in their batch.
  await storage.restore(
    store,
    retention === undefined ? records : liveRestoredRows(records, retention, clock),
    changelogPartition(read.topic, read.partition),
    read.nextOffset,
  );
  if (retention !== undefined) await dropExpiredRows(storage.store(store), retention, clock);
  return counted;
}
