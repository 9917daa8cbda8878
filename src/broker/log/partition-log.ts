// The log of one topic partition: segments of record batches, offsets, producer state, the
// last stable offset and the aborted-transaction index, and the read paths Fetch and
// ListOffsets need. Batches arrive validated (log-validator.ts); the log checks the
// producer's epoch and sequence (producer-state.ts), assigns offsets by stamping the base
// offset into the batch (outside the CRC, as Kafka does) and stores the bytes untouched
// otherwise. `append` is the only way a client's batch joins the log; `appendMarker` is the
// transaction coordinator's. Which segments exist (rolls, DeleteRecords, retention, the
// cleaner's swap) is log-segments.ts.
import { buildControlBatch, ControlType } from "../protocol/control-record.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { failure, isStorageError, success, type AppendResult } from "./append-result.js";
import {
  Attributes,
  readBatchHeader,
  setLogAppendTime,
  stampBatch,
  type BatchHeader,
} from "../protocol/record-batch.js";
import { abortedTransactions, abortedTransactionsForFetch, type AbortedTransaction } from "./aborted-transactions.js";
import type { LogConfig } from "./log-config.js";
import type { CleanerCheckpoint } from "./log-cleaner.js";
import {
  offsetForTimestamp,
  offsetOfMaxTimestamp,
  readBatches,
  type ReadResult,
  type TimestampLookup,
} from "./log-reads.js";
import { replayAfterSnapshot, type RecoveredLog } from "./log-recovery.js";
import type { LogSegment, AbortedTxn } from "./log-segment.js";
import { LogSegments } from "./log-segments.js";
import { ProducerStateManager } from "./producer-state.js";
import type { PartitionStorage } from "./segment-storage.js";

export type { AbortedTransaction } from "./aborted-transactions.js";
export { isStorageError, type AppendResult } from "./append-result.js";
export type { ReadResult, TimestampLookup } from "./log-reads.js";
export type { RecoveredLog } from "./log-recovery.js";

/** Single node: this broker is every partition's only leader, in epoch 0. */
export const LEADER_EPOCH = 0;
/** Single coordinator that never moves: its markers all carry coordinator epoch 0. */
export const COORDINATOR_EPOCH = 0;

export interface PartitionLogOptions {
  topic: string;
  partition: number;
  config: () => LogConfig;
  storage: PartitionStorage;
  now: () => number;
  recovered?: RecoveredLog;
}

export class PartitionLog {
  readonly topic: string;
  readonly partition: number;
  readonly producers = new ProducerStateManager();
  readonly #segments: LogSegments;
  private endOffset = 0;
  private readonly appendListeners = new Set<(log: PartitionLog, bytes: number) => void>();
  private deleted = false;
  private unflushedMessages = 0;
  private lastFlushAt: number;
  /** Where the cleaner stopped; what it kept that expires (log-cleaner.ts). */
  private cleanerState: CleanerCheckpoint = { firstDirtyOffset: 0, nextDeleteHorizon: Infinity };

  constructor(private readonly options: PartitionLogOptions) {
    this.topic = options.topic;
    this.partition = options.partition;
    this.lastFlushAt = options.now();
    this.#segments = new LogSegments(options.storage, this.producers, () => this.endOffset);
    if (options.recovered) this.#recover(options.recovered);
    else this.#segments.create(options.now());
  }

  /** Oldest first; the last is the active segment. */
  get segments(): LogSegment[] {
    return this.#segments.list;
  }

  get config(): LogConfig {
    return this.options.config();
  }

  get storage(): PartitionStorage {
    return this.options.storage;
  }

  get logStartOffset(): number {
    return this.#segments.startOffset;
  }

  /** The offset the next batch gets (LEO). */
  get logEndOffset(): number {
    return this.endOffset;
  }

  /** A single replica is always the whole ISR: everything appended is committed. */
  get highWatermark(): number {
    return this.endOffset;
  }

  /**
   * The first offset of the earliest transaction still undecided here, or the high watermark:
   * read_committed consumers never read at or past it.
   */
  get lastStableOffset(): number {
    return this.producers.firstUndecidedOffset ?? this.highWatermark;
  }

  get isDeleted(): boolean {
    return this.deleted;
  }

  get activeSegment(): LogSegment {
    return this.#segments.active;
  }

  /** Bytes in all segments. */
  get size(): number {
    return this.#segments.size;
  }

  /**
   * Appends a client's validated batch. An idempotent or transactional batch is first checked
   * against the producer's state: a retry of a retained batch answers with its original
   * offsets, a stale epoch or a sequence gap is refused. Then the base offset and leader epoch
   * are stamped in place (and, on LogAppendTime topics, the broker's timestamp).
   * `retainable`: the batch's memory is its own, so storage may keep it without copying.
   */
  append(batch: Buffer, header: BatchHeader, retainable = false): AppendResult {
    const idempotent = header.producerId >= 0;
    if (idempotent) {
      const check = this.producers.checkDataBatch(header);
      if (check.outcome === "reject") return failure(check.errorCode, check.message);
      if (check.outcome === "duplicate") {
        const logAppendTime = this.config.messageTimestampType === "LogAppendTime" ? check.batch.timestamp : -1;
        return success(check.batch.firstOffset, check.batch.lastOffset, logAppendTime, true);
      }
    }
    let appended: ReturnType<PartitionLog["appendBatch"]>;
    try {
      appended = this.appendBatch(batch, header, retainable, -1);
    } catch (error) {
      return this.storageFailure(error);
    }
    if (idempotent) this.producers.onDataBatch(header, appended.baseOffset, appended.lastOffset, appended.maxTimestamp);
    try {
      this.afterAppend(batch.length, header.recordCount);
    } catch (error) {
      // Appended but not flushed as flush.messages asks: the client hears it failed (a retry of an
      // idempotent batch finds it in producer state and gets its offset).
      return this.storageFailure(error);
    }
    return success(appended.baseOffset, appended.lastOffset, appended.logAppendTime, false);
  }

  /**
   * Writes a transaction marker for `producerId` (the coordinator's WriteTxnMarkers). Ends the
   * producer's ongoing transaction here, if it wrote data, moving the LSO; an abort is added
   * to the aborted-transaction index of the segment that holds the marker.
   */
  appendMarker(
    producerId: number,
    producerEpoch: number,
    type: ControlType,
    coordinatorEpoch = COORDINATOR_EPOCH,
  ): AppendResult {
    const problem = this.producers.checkMarker(producerId, producerEpoch, coordinatorEpoch);
    if (problem) return failure(problem.errorCode, problem.message);
    const now = this.options.now();
    const batch = buildControlBatch(producerId, producerEpoch, type, coordinatorEpoch, now);
    let appended: ReturnType<PartitionLog["appendBatch"]>;
    try {
      appended = this.appendBatch(batch, readBatchHeader(batch), true, type);
    } catch (error) {
      return this.storageFailure(error);
    }
    const completed = this.producers.onMarker(
      producerId,
      producerEpoch,
      coordinatorEpoch,
      type === ControlType.ABORT,
      appended.baseOffset,
      now,
    );
    if (completed?.aborted) {
      this.activeSegment.addAbortedTxn({
        producerId,
        firstOffset: completed.firstOffset,
        lastOffset: completed.lastOffset,
        lastStableOffset: this.lastStableOffset,
      });
    }
    try {
      this.afterAppend(batch.length, 1);
    } catch (error) {
      return this.storageFailure(error);
    }
    return success(appended.baseOffset, appended.lastOffset, -1, false);
  }

  /**
   * A write of the data directory failed (an unwritable or full disk): the operation fails
   * with KAFKA_STORAGE_ERROR, as Kafka's does, and nothing was added to the log (a roll or an
   * append either happens whole or leaves the log as it was). Anything else is a bug: thrown.
   */
  private storageFailure(error: unknown): AppendResult {
    if (!isStorageError(error)) throw error;
    return failure(
      ErrorCode.KAFKA_STORAGE_ERROR,
      `cannot write partition ${this.topic}-${this.partition}: ${error.message}`,
    );
  }

  private appendBatch(
    batch: Buffer,
    header: BatchHeader,
    retainable: boolean,
    controlType: number,
  ): { baseOffset: number; lastOffset: number; logAppendTime: number; maxTimestamp: number } {
    const now = this.options.now();
    const logAppendTime = controlType < 0 && this.config.messageTimestampType === "LogAppendTime" ? now : -1;
    const maxTimestamp = logAppendTime >= 0 ? logAppendTime : header.maxTimestamp;
    this.#segments.maybeRoll(batch.length, maxTimestamp, now, this.config);
    const baseOffset = this.endOffset;
    const lastOffset = baseOffset + header.lastOffsetDelta;
    stampBatch(batch, baseOffset, LEADER_EPOCH);
    if (logAppendTime >= 0) setLogAppendTime(batch, logAppendTime);
    this.activeSegment.append(
      batch,
      {
        baseOffset,
        lastOffset,
        size: batch.length,
        maxTimestamp,
        producerId: header.producerId,
        producerEpoch: header.producerEpoch,
        baseSequence: header.baseSequence,
        attributes: logAppendTime >= 0 ? header.attributes | Attributes.TIMESTAMP_LOG_APPEND : header.attributes,
        recordCount: header.recordCount,
        controlType,
      },
      retainable,
    );
    this.endOffset = lastOffset + 1;
    return { baseOffset, lastOffset, logAppendTime, maxTimestamp };
  }

  /** Kafka's flush.messages, then the append listeners (waiting fetches). */
  private afterAppend(bytes: number, records: number): void {
    this.unflushedMessages += records;
    if (this.unflushedMessages >= this.config.flushMessages) this.flush();
    for (const listener of this.appendListeners) listener(this, bytes);
  }

  /** fsyncs the active segment (flush.messages / flush.ms; on files only). */
  flush(): void {
    this.activeSegment.storage.flush();
    this.unflushedMessages = 0;
    this.lastFlushAt = this.options.now();
  }

  /** Kafka's flush.ms, checked by the log manager's periodic task. */
  flushIfDue(now: number): void {
    if (this.unflushedMessages > 0 && now - this.lastFlushAt >= this.config.flushMs) this.flush();
  }

  /** Closes the active segment and starts a new one at the log end offset. */
  roll(now = this.options.now()): void {
    this.#segments.roll(now);
  }

  /** DeleteRecords: moves the log start offset up and drops segments wholly below it. */
  deleteRecordsBefore(offset: number): number {
    return this.#segments.deleteRecordsBefore(offset);
  }

  /** Retention: deletes segments from the oldest on while `shouldDelete` holds (log-segments.ts). */
  deleteOldestSegments(shouldDelete: (segment: LogSegment, isActive: boolean) => boolean): number {
    return this.#segments.deleteOldest(shouldDelete, this.options.now());
  }

  /** The cleaner's swap of closed segments for cleaned copies (log-segments.ts). */
  replaceSegments(from: number, count: number, cleaned: LogSegment[]): void {
    this.#segments.replace(from, count, cleaned);
  }

  /** Index of the segment that holds `offset` (the last one starting at or before it). */
  segmentIndexFor(offset: number): number {
    return this.#segments.indexFor(offset);
  }

  /**
   * Whole batches from the one holding `offset` on, stopping before `upperBound` (the high
   * watermark, or the LSO for read_committed) and before `maxBytes` (log-reads.ts).
   */
  read(offset: number, upperBound: number, maxBytes: number, minOneBatch: boolean): ReadResult {
    return readBatches(this.segments, offset, upperBound, maxBytes, minOneBatch);
  }

  /** The first offset whose timestamp is >= timestamp, with that timestamp (ListOffsets). */
  offsetForTimestamp(timestamp: number): TimestampLookup | null {
    return offsetForTimestamp(this.segments, this.logStartOffset, this.config, timestamp);
  }

  /** ListOffsets' MAX_TIMESTAMP (KIP-734). */
  offsetOfMaxTimestamp(): TimestampLookup | null {
    return offsetOfMaxTimestamp(this.segments, this.logStartOffset, this.config);
  }

  /** Kafka's collectAbortedTransactions: the aborted transactions overlapping [from, to). */
  abortedTransactions(from: number, to: number): AbortedTxn[] {
    return abortedTransactions(this.segments, from, to);
  }

  /** The aborted_transactions list of a read_committed Fetch that returned [from, to). */
  abortedTransactionsForFetch(from: number, to: number): AbortedTransaction[] {
    return abortedTransactionsForFetch(this.segments, from, to);
  }

  get cleanerCheckpoint(): CleanerCheckpoint {
    return this.cleanerState;
  }

  set cleanerCheckpoint(checkpoint: CleanerCheckpoint) {
    this.cleanerState = checkpoint;
    this.options.storage.cleanerCheckpointChanged(checkpoint);
  }

  /** Called for every appended batch with its size; the fetch purgatory listens here. */
  onAppend(listener: (log: PartitionLog, bytes: number) => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  /**
   * Clean shutdown: producer state at the log end, so a restart replays nothing. The files are
   * closed even if the flush or the snapshot fails (which is then thrown, and the next start
   * recovers the log).
   */
  close(): void {
    const storage = this.options.storage;
    if (!storage.persistent || this.deleted) return;
    try {
      this.activeSegment.storage.flush();
      storage.writeProducerSnapshot(this.endOffset, this.producers.snapshot());
    } finally {
      storage.close();
    }
  }

  /** The partition is gone (topic deleted): wake waiting fetches, free the bytes. */
  delete(): void {
    if (this.deleted) return;
    this.deleted = true;
    for (const listener of [...this.appendListeners]) listener(this, 0);
    this.appendListeners.clear();
    for (const segment of this.segments) segment.storage.delete();
    this.options.storage.destroy();
  }

  /** Loads a recovered partition: its segments as found, producer state from the snapshot, then the replay. */
  #recover(recovered: RecoveredLog): void {
    this.#segments.load(recovered.segments, recovered.logStartOffset);
    this.cleanerState = recovered.cleanerCheckpoint;
    this.endOffset = this.activeSegment.nextOffset;
    this.producers.restore(recovered.producers);
    replayAfterSnapshot(this.segments, this.producers, recovered.snapshotOffset, COORDINATOR_EPOCH);
  }
}
