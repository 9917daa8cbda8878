// Where a partition's bytes live. The partition log (partition-log.ts) owns offsets, the
// batch index, producer state and every Kafka rule; the storage only keeps and returns what
// the log hands it, so the in-memory and the file-backed implementations are
// interchangeable. The calls are synchronous on purpose: the log appends and reads under its
// own ordering, and the file implementation uses positional fs.writeSync/fs.readSync (a
// write that returned is in the OS page cache, which survives kill -9 of the broker).
import type { CleanerCheckpoint } from "./log-cleaner.js";
import type { ProducerSnapshotEntry } from "./producer-state.js";
import type { AbortedTxn } from "./log-segment.js";

export interface SegmentStorage {
  /** Bytes stored so far. */
  readonly size: number;
  /**
   * Appends one record batch at position `size`. With `retainable`, the batch's memory
   * belongs to it alone (not to a shared socket chunk), so the storage may keep it by
   * reference instead of copying; either way the caller must not modify it afterwards.
   */
  append(batch: Buffer, retainable: boolean): void;
  /**
   * The bytes in [position, position + length), as one or more buffers, without copying
   * where possible. The returned buffers must stay valid after later appends.
   */
  read(position: number, length: number): Buffer[];
  /** Makes everything appended so far durable (fsync for files; nothing in memory). */
  flush(): void;
  /** Drops the bytes from `size` on (recovery of a torn tail). */
  truncate(size: number): void;
  /** The segment is closed: no more appends. Files flush it in the background, as Kafka does when a segment rolls. */
  seal(): void;
  /** Persists one entry of the segment's aborted-transaction index (a no-op in memory). */
  appendAbortedTxn(txn: AbortedTxn): void;
  /** Releases the storage and its bytes (segment deleted by retention, DeleteRecords or the cleaner). */
  delete(): void;
}

/** Creates the storage of each new segment of one partition. */
export interface SegmentStorageFactory {
  create(baseOffset: number): SegmentStorage;
}

/**
 * A partition's storage: its segments, plus what the log persists besides them. In memory
 * only `create` matters; on disk each call has a file behind it (storage/).
 */
export interface PartitionStorage extends SegmentStorageFactory {
  /** Whether anything survives the process: producer snapshots are only taken if so. */
  readonly persistent: boolean;
  /** Storage for a segment the cleaner is writing; it only becomes part of the log through swapCleaned. */
  createCleaned(baseOffset: number): SegmentStorage;
  /**
   * Puts cleaned segments in place of the segments they replace, atomically with respect to
   * a crash: after a restart the partition has either all old or all new segments.
   */
  swapCleaned(
    cleaned: readonly { baseOffset: number; nextOffset: number; storage: SegmentStorage }[],
    replaced: readonly SegmentStorage[],
  ): void;
  /** Producer state as of `offset` (Kafka's <offset>.snapshot), taken when a segment rolls and at shutdown. */
  writeProducerSnapshot(offset: number, producers: readonly ProducerSnapshotEntry[]): void;
  /** The log start offset moved (DeleteRecords, retention). */
  logStartOffsetChanged(offset: number): void;
  /** The cleaner finished a pass (Kafka's cleaner-offset-checkpoint). */
  cleanerCheckpointChanged(checkpoint: CleanerCheckpoint): void;
  /** Clean shutdown: everything written is flushed and the files are closed. */
  close(): void;
  /** The partition is deleted: its segments are gone already; remove the rest. */
  destroy(): void;
}
