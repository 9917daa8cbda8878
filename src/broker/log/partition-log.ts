// The log of one topic partition: segments of record batches, offsets, producer state, the
// last stable offset and the aborted-transaction index, and the read paths Fetch and
// ListOffsets need. Batches arrive validated (log-validator.ts); the log checks the
// producer's epoch and sequence (producer-state.ts), assigns offsets by stamping the base
// offset into the batch (outside the CRC, as Kafka does) and stores the bytes untouched
// otherwise. `append` is the only way a client's batch joins the log; `appendMarker` is the
// transaction coordinator's. The cleaner (log-cleaner.ts) and retention (log-retention.ts)
// work on closed segments through `replaceSegments` and `deleteOldestSegments`.
import { buildControlBatch, ControlType } from "../protocol/control-record.js";
import { ErrorCode } from "../protocol/error-codes.js";
import {
  Attributes,
  decodeRecords,
  isControl,
  isTransactional,
  readBatchHeader,
  setLogAppendTime,
  stampBatch,
  type BatchHeader,
} from "../protocol/record-batch.js";
import { storedDecompressionLimit, type LogConfig } from "./log-config.js";
import type { CleanerCheckpoint } from "./log-cleaner.js";
import { LogSegment, type AbortedTxn, type BatchEntry } from "./log-segment.js";
import { ProducerStateManager, type ProducerSnapshotEntry } from "./producer-state.js";
import type { PartitionStorage } from "./segment-storage.js";

/** Single node: this broker is every partition's only leader, in epoch 0. */
export const LEADER_EPOCH = 0;
/** Single coordinator that never moves: its markers all carry coordinator epoch 0. */
export const COORDINATOR_EPOCH = 0;

export interface AppendResult {
  /** 0, or the Kafka error that refused the batch (then the offsets are -1). */
  errorCode: ErrorCode;
  errorMessage: string | null;
  baseOffset: number;
  lastOffset: number;
  /** The broker's timestamp on LogAppendTime topics, else -1. */
  logAppendTime: number;
  /** The batch was a retry of one already in the log: nothing was appended. */
  duplicate: boolean;
}

export interface ReadResult {
  /** Whole batches, back to back. */
  records: Buffer[];
  bytes: number;
  /** The offset after the last batch returned (the fetch offset when nothing was). */
  nextOffset: number;
}

export interface TimestampLookup {
  offset: number;
  timestamp: number;
}

/** An entry of Fetch's aborted_transactions list. */
export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
}

/** A partition's state as loaded from a data directory (storage/partition-loader.ts). */
export interface RecoveredLog {
  /** At least one segment; the last is the active one. */
  segments: LogSegment[];
  logStartOffset: number;
  /** Producer state as of `snapshotOffset`; batches from there on are replayed. */
  producers: readonly ProducerSnapshotEntry[];
  snapshotOffset: number;
  cleanerCheckpoint: CleanerCheckpoint;
}

export interface PartitionLogOptions {
  topic: string;
  partition: number;
  config: () => LogConfig;
  storage: PartitionStorage;
  now: () => number;
  recovered?: RecoveredLog;
}

function failure(errorCode: ErrorCode, errorMessage: string): AppendResult {
  return { errorCode, errorMessage, baseOffset: -1, lastOffset: -1, logAppendTime: -1, duplicate: false };
}

/** An error of the file system (it has a syscall), as opposed to a bug. */
export function isStorageError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === "string";
}

export class PartitionLog {
  readonly topic: string;
  readonly partition: number;
  readonly segments: LogSegment[] = [];
  readonly producers = new ProducerStateManager();
  private startOffset = 0;
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
    if (options.recovered) this.recover(options.recovered);
    else this.segments.push(new LogSegment(0, options.storage.create(0), options.now()));
  }

  get config(): LogConfig {
    return this.options.config();
  }

  get storage(): PartitionStorage {
    return this.options.storage;
  }

  get logStartOffset(): number {
    return this.startOffset;
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
    return this.segments[this.segments.length - 1]!;
  }

  /** Bytes in all segments. */
  get size(): number {
    let total = 0;
    for (const segment of this.segments) total += segment.size;
    return total;
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
        return {
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          baseOffset: check.batch.firstOffset,
          lastOffset: check.batch.lastOffset,
          logAppendTime,
          duplicate: true,
        };
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
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      baseOffset: appended.baseOffset,
      lastOffset: appended.lastOffset,
      logAppendTime: appended.logAppendTime,
      duplicate: false,
    };
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
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      baseOffset: appended.baseOffset,
      lastOffset: appended.lastOffset,
      logAppendTime: -1,
      duplicate: false,
    };
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
    this.maybeRoll(batch.length, maxTimestamp, now);
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

  /**
   * Kafka's LogSegment.shouldRoll: segment.bytes, or segment.ms measured in record time, from
   * the segment's first batch to the incoming one (wall-clock time since the segment was made
   * only when its first batch has no timestamp). So records with old timestamps followed by a
   * recent one (a transaction marker carries the broker's clock) close their segment at once,
   * and the cleaner may then compact them as soon as min.compaction.lag.ms allows.
   */
  private maybeRoll(incomingBytes: number, incomingMaxTimestamp: number, now: number): void {
    const active = this.activeSegment;
    const first = active.entries[0];
    if (first === undefined) return;
    const config = this.config;
    const waited = first.maxTimestamp >= 0 ? incomingMaxTimestamp - first.maxTimestamp : now - active.createdAt;
    if (active.size + incomingBytes > config.segmentBytes || waited > config.segmentMs) this.roll(now);
  }

  /** Closes the active segment and starts a new one at the log end offset. */
  roll(now = this.options.now()): void {
    const storage = this.options.storage;
    // The snapshot at the new segment's base makes recovery replay only the active segment,
    // which the cleaner never touches (Kafka takes one at every roll as well).
    if (storage.persistent) storage.writeProducerSnapshot(this.endOffset, this.producers.snapshot());
    this.activeSegment.storage.seal();
    this.segments.push(new LogSegment(this.endOffset, storage.create(this.endOffset), now));
  }

  /** Index of the segment that holds `offset` (the last one starting at or before it). */
  segmentIndexFor(offset: number): number {
    let low = 0;
    let high = this.segments.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (this.segments[mid]!.baseOffset <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  /**
   * Whole batches from the one holding `offset` on, stopping before `upperBound` (the high
   * watermark, or the LSO for read_committed) and before `maxBytes` would be exceeded, except
   * that with `minOneBatch` the first batch is returned whatever its size, so a consumer can
   * always make progress (KIP-74).
   */
  read(offset: number, upperBound: number, maxBytes: number, minOneBatch: boolean): ReadResult {
    const records: Buffer[] = [];
    let bytes = 0;
    let nextOffset = offset;
    if (offset >= upperBound) return { records, bytes, nextOffset };
    for (let s = this.segmentIndexFor(offset); s < this.segments.length; s++) {
      const segment = this.segments[s]!;
      const from = segment.indexOfOffset(offset);
      let to = from;
      let stop = false;
      while (to < segment.entries.length) {
        const entry = segment.entries[to]!;
        if (entry.baseOffset >= upperBound) {
          stop = true;
          break;
        }
        if (bytes + entry.size > maxBytes && !(minOneBatch && bytes === 0)) {
          stop = true;
          break;
        }
        bytes += entry.size;
        nextOffset = entry.lastOffset + 1;
        to += 1;
      }
      for (const part of segment.read(from, to)) records.push(part);
      if (stop) break;
    }
    return { records, bytes, nextOffset };
  }

  /** The first offset whose timestamp is >= timestamp, with that timestamp (ListOffsets). */
  offsetForTimestamp(timestamp: number): TimestampLookup | null {
    for (const segment of this.segments) {
      if (segment.maxTimestamp < timestamp || segment.nextOffset <= this.startOffset) continue;
      for (let i = segment.indexOfTimestamp(timestamp); i < segment.entries.length; i++) {
        const entry = segment.entries[i]!;
        if (entry.lastOffset < this.startOffset || entry.maxTimestamp < timestamp || isControl(entry.attributes))
          continue;
        const found = this.findInBatch(segment, i, entry, timestamp);
        if (found) return found;
      }
    }
    return null;
  }

  /**
   * ListOffsets' MAX_TIMESTAMP (KIP-734): the first record holding the log's highest timestamp,
   * control batches included, as Kafka's UnifiedLog finds it (the first segment with the highest
   * maxTimestampSoFar, its first batch with that max timestamp, that batch's first record with it).
   */
  offsetOfMaxTimestamp(): TimestampLookup | null {
    let best: LogSegment | undefined;
    for (const segment of this.segments) {
      if (segment.nextOffset <= this.startOffset || segment.isEmpty) continue;
      if (best === undefined || segment.maxTimestamp > best.maxTimestamp) best = segment;
    }
    if (best === undefined) return null;
    const max = best.maxTimestamp;
    const index = best.entries.findIndex((entry) => entry.maxTimestamp === max);
    if (index < 0) return null;
    const found = this.findInBatch(best, index, best.entries[index]!, max);
    return found && found.timestamp === max ? found : { offset: best.entries[index]!.baseOffset, timestamp: max };
  }

  private findInBatch(
    segment: LogSegment,
    index: number,
    entry: BatchEntry,
    timestamp: number,
  ): TimestampLookup | null {
    let records: ReturnType<typeof decodeRecords>;
    try {
      records = decodeRecords(segment.readBatch(index), storedDecompressionLimit(this.config));
    } catch {
      // A payload that does not decompress, or over the limit (stored before produce checked it).
      records = null;
    }
    if (records === null) {
      // zstd (Node cannot look inside) or undecodable: the batch's first offset is the closest answer.
      return { offset: Math.max(entry.baseOffset, this.startOffset), timestamp: entry.maxTimestamp };
    }
    for (const record of records) {
      if (record.offset >= this.startOffset && record.timestamp >= timestamp) {
        return { offset: record.offset, timestamp: record.timestamp };
      }
    }
    return null;
  }

  /**
   * Kafka's collectAbortedTransactions: the aborted transactions overlapping [from, to), read
   * from the transaction index of the segment holding `from` onwards. The search stops at an
   * entry whose LSO reaches `to`: every transaction aborted later started at or after it.
   */
  abortedTransactions(from: number, to: number): AbortedTxn[] {
    const found: AbortedTxn[] = [];
    for (let s = this.segmentIndexFor(from); s < this.segments.length; s++) {
      for (const txn of this.segments[s]!.abortedTxns) {
        if (txn.lastOffset >= from && txn.firstOffset < to) found.push(txn);
        if (txn.lastStableOffset >= to) return found;
      }
    }
    return found;
  }

  /**
   * The aborted_transactions list of a read_committed Fetch that returned [from, to): each
   * aborted transaction with data in that range, with the offset of its first data batch
   * returned, in offset order. A Java or librdkafka consumer filters exactly as it would with
   * Kafka's list (the transaction's true first offset), because it only compares these
   * offsets with the batches it received. kafkajs 2.2.4 needs this form: it activates at most
   * one listed transaction per record it reads, in list order, so several transactions that
   * started before the fetch offset would leak aborted records to it.
   */
  abortedTransactionsForFetch(from: number, to: number): AbortedTransaction[] {
    if (from >= to) return [];
    const out: AbortedTransaction[] = [];
    for (const txn of this.abortedTransactions(from, to)) {
      const first = this.firstTransactionalBatch(
        txn.producerId,
        Math.max(txn.firstOffset, from),
        Math.min(txn.lastOffset, to),
      );
      if (first !== null) out.push({ producerId: txn.producerId, firstOffset: Math.max(first, from) });
    }
    return out.sort((a, b) => a.firstOffset - b.firstOffset);
  }

  /** Base offset of the producer's first transactional data batch ending at or after `from`, starting before `until`. */
  private firstTransactionalBatch(producerId: number, from: number, until: number): number | null {
    for (let s = this.segmentIndexFor(from); s < this.segments.length; s++) {
      const entries = this.segments[s]!.entries;
      for (let i = this.segments[s]!.indexOfOffset(from); i < entries.length; i++) {
        const entry = entries[i]!;
        if (entry.baseOffset >= until) return null;
        if (entry.producerId === producerId && isTransactional(entry.attributes) && !isControl(entry.attributes))
          return entry.baseOffset;
      }
    }
    return null;
  }

  /** DeleteRecords: moves the log start offset up and drops segments wholly below it. */
  deleteRecordsBefore(offset: number): number {
    if (offset <= this.startOffset) return this.startOffset;
    this.startOffset = offset;
    while (this.segments.length > 1 && this.segments[1]!.baseOffset <= offset) {
      this.segments.shift()!.storage.delete();
    }
    this.options.storage.logStartOffsetChanged(this.startOffset);
    return this.startOffset;
  }

  /**
   * Retention: deletes segments from the oldest on while `shouldDelete` holds for them. The
   * active segment may go too if it is not empty: a new one is rolled first, as Kafka does.
   * The log start offset moves to the first remaining segment. Returns how many went.
   */
  deleteOldestSegments(shouldDelete: (segment: LogSegment, isActive: boolean) => boolean): number {
    let count = 0;
    while (count < this.segments.length) {
      const segment = this.segments[count]!;
      const isActive = count === this.segments.length - 1;
      if (isActive && segment.isEmpty) break;
      if (!shouldDelete(segment, isActive)) break;
      count += 1;
    }
    if (count === 0) return 0;
    if (count === this.segments.length) this.roll();
    for (const segment of this.segments.splice(0, count)) segment.storage.delete();
    const first = this.segments[0]!.baseOffset;
    if (first > this.startOffset) {
      this.startOffset = first;
      this.options.storage.logStartOffsetChanged(first);
    }
    return count;
  }

  /**
   * The cleaner's swap: segments [from, from + count), all closed, are replaced by cleaned
   * copies holding a subset of their batches at the same offsets.
   */
  replaceSegments(from: number, count: number, cleaned: LogSegment[]): void {
    if (from + count >= this.segments.length) throw new Error("the active segment is never replaced");
    const replaced = this.segments.slice(from, from + count);
    const nextOffset = this.segments[from + count]!.baseOffset;
    this.options.storage.swapCleaned(
      cleaned.map((segment, i) => ({
        baseOffset: segment.baseOffset,
        nextOffset: cleaned[i + 1]?.baseOffset ?? nextOffset,
        storage: segment.storage,
      })),
      replaced.map((segment) => segment.storage),
    );
    this.segments.splice(from, count, ...cleaned);
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

  /**
   * Loads a recovered partition: its segments as found, producer state from the snapshot,
   * then every batch after the snapshot replayed through producer state, which rebuilds the
   * LSO and the aborted-transaction index entries of markers written after the snapshot
   * (the loader dropped those entries, so a torn index tail cannot survive).
   */
  private recover(recovered: RecoveredLog): void {
    this.segments.push(...recovered.segments);
    this.startOffset = recovered.logStartOffset;
    this.cleanerState = recovered.cleanerCheckpoint;
    this.endOffset = this.activeSegment.nextOffset;
    this.producers.restore(recovered.producers);
    for (let s = this.segmentIndexFor(recovered.snapshotOffset); s < this.segments.length; s++) {
      const segment = this.segments[s]!;
      for (let i = segment.indexOfOffset(recovered.snapshotOffset); i < segment.entries.length; i++) {
        const entry = segment.entries[i]!;
        if (entry.producerId < 0 || entry.baseOffset < recovered.snapshotOffset) continue;
        if (isControl(entry.attributes)) {
          if (entry.controlType < 0) continue;
          const completed = this.producers.onMarker(
            entry.producerId,
            entry.producerEpoch,
            COORDINATOR_EPOCH,
            entry.controlType === ControlType.ABORT,
            entry.baseOffset,
            entry.maxTimestamp,
          );
          if (completed?.aborted) {
            segment.addAbortedTxn({
              producerId: entry.producerId,
              firstOffset: completed.firstOffset,
              lastOffset: completed.lastOffset,
              lastStableOffset: this.producers.firstUndecidedOffset ?? completed.lastOffset + 1,
            });
          }
        } else {
          const fields = { ...entry, lastOffsetDelta: entry.lastOffset - entry.baseOffset };
          this.producers.onDataBatch(fields, entry.baseOffset, entry.lastOffset, entry.maxTimestamp);
        }
      }
    }
  }
}
