// The log of one topic partition: segments of record batches, offsets, and the read paths
// Fetch and ListOffsets need. Batches arrive validated (log-validator.ts); the log assigns
// offsets by stamping the base offset into the batch (outside the CRC, as Kafka does) and
// stores the bytes untouched otherwise.
//
// Where part 2 plugs in:
//  - producer state (idempotence, transactions): check and record a batch's producer id,
//    epoch and sequence in `append` before the offset is assigned; the batch index already
//    carries producerId/producerEpoch/baseSequence/attributes per batch to rebuild it.
//  - last stable offset: `lastStableOffset` is the high watermark while no transaction
//    exists; Fetch (read_committed) and ListOffsets already read it from here.
//  - aborted transactions: `abortedTransactions` answers the read_committed Fetch list.
//  - control batches: appended through `append` like any batch (attributes carry the flag).
//  - segment files: pass a file-backed SegmentStorageFactory; recovery rebuilds the index.
//  - cleaner and retention: closed segments are `segments` minus the last (active) one;
//    replace a run of closed segments with cleaned copies, offsets unchanged.
import { Attributes, decodeRecords, setLogAppendTime, stampBatch, type BatchHeader } from "../protocol/record-batch.js";
import type { LogConfig } from "./log-config.js";
import { LogSegment, type BatchEntry } from "./log-segment.js";
import type { SegmentStorageFactory } from "./segment-storage.js";

/** Single node: this broker is every partition's only leader, in epoch 0. */
export const LEADER_EPOCH = 0;

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  /** The broker's timestamp on LogAppendTime topics, else -1. */
  logAppendTime: number;
}

export interface ReadResult {
  /** Whole batches, back to back. */
  records: Buffer[];
  bytes: number;
}

export interface TimestampLookup {
  offset: number;
  timestamp: number;
}

export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
}

export interface PartitionLogOptions {
  topic: string;
  partition: number;
  config: () => LogConfig;
  storage: SegmentStorageFactory;
  now: () => number;
}

export class PartitionLog {
  readonly topic: string;
  readonly partition: number;
  readonly segments: LogSegment[] = [];
  private startOffset = 0;
  private endOffset = 0;
  private readonly appendListeners = new Set<(log: PartitionLog, bytes: number) => void>();
  private deleted = false;

  constructor(private readonly options: PartitionLogOptions) {
    this.topic = options.topic;
    this.partition = options.partition;
    this.segments.push(new LogSegment(0, options.storage.create(0), options.now()));
  }

  get config(): LogConfig {
    return this.options.config();
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

  /** No transactions yet (part 2): everything below the high watermark is stable. */
  get lastStableOffset(): number {
    return this.highWatermark;
  }

  get isDeleted(): boolean {
    return this.deleted;
  }

  private get active(): LogSegment {
    return this.segments[this.segments.length - 1]!;
  }

  /**
   * Appends a validated batch: stamps its base offset and leader epoch in place (and, on
   * LogAppendTime topics, the broker's timestamp), then hands it to the segment storage.
   * `retainable`: the batch's memory is its own, so storage may keep it without copying.
   */
  append(batch: Buffer, header: BatchHeader, retainable = false): AppendResult {
    const now = this.options.now();
    this.maybeRoll(batch.length, now);
    const baseOffset = this.endOffset;
    const lastOffset = baseOffset + header.lastOffsetDelta;
    stampBatch(batch, baseOffset, LEADER_EPOCH);
    const logAppendTime = this.config.messageTimestampType === "LogAppendTime" ? now : -1;
    if (logAppendTime >= 0) setLogAppendTime(batch, logAppendTime);
    this.active.append(batch, {
      baseOffset,
      lastOffset,
      size: batch.length,
      maxTimestamp: logAppendTime >= 0 ? logAppendTime : header.maxTimestamp,
      producerId: header.producerId,
      producerEpoch: header.producerEpoch,
      baseSequence: header.baseSequence,
      attributes: logAppendTime >= 0 ? header.attributes | Attributes.TIMESTAMP_LOG_APPEND : header.attributes,
      recordCount: header.recordCount,
    }, retainable);
    this.endOffset = lastOffset + 1;
    for (const listener of this.appendListeners) listener(this, batch.length);
    return { baseOffset, lastOffset, logAppendTime };
  }

  private maybeRoll(incomingBytes: number, now: number): void {
    const active = this.active;
    if (active.isEmpty) return;
    const config = this.config;
    if (active.size + incomingBytes > config.segmentBytes || now - active.createdAt >= config.segmentMs) {
      this.segments.push(new LogSegment(this.endOffset, this.options.storage.create(this.endOffset), now));
    }
  }

  /** Index of the segment that holds `offset` (the last one starting at or before it). */
  private segmentIndexFor(offset: number): number {
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
    if (offset >= upperBound) return { records, bytes };
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
        to += 1;
      }
      for (const part of segment.read(from, to)) records.push(part);
      if (stop) break;
    }
    return { records, bytes };
  }

  /** The first offset whose timestamp is >= timestamp, with that timestamp (ListOffsets). */
  offsetForTimestamp(timestamp: number): TimestampLookup | null {
    for (const segment of this.segments) {
      if (segment.maxTimestamp < timestamp || segment.nextOffset <= this.startOffset) continue;
      for (let i = segment.indexOfTimestamp(timestamp); i < segment.entries.length; i++) {
        const entry = segment.entries[i]!;
        if (entry.lastOffset < this.startOffset || entry.maxTimestamp < timestamp) continue;
        const found = this.findInBatch(segment, i, entry, timestamp);
        if (found) return found;
      }
    }
    return null;
  }

  private findInBatch(segment: LogSegment, index: number, entry: BatchEntry, timestamp: number): TimestampLookup | null {
    const records = decodeRecords(segment.readBatch(index));
    if (records === null) {
      // snappy/lz4/zstd: Node cannot look inside; the batch's first offset is the closest answer.
      return { offset: Math.max(entry.baseOffset, this.startOffset), timestamp: entry.maxTimestamp };
    }
    for (const record of records) {
      if (record.offset >= this.startOffset && record.timestamp >= timestamp) {
        return { offset: record.offset, timestamp: record.timestamp };
      }
    }
    return null;
  }

  /** Transactions aborted in [from, to) that read_committed consumers must skip (part 2). */
  abortedTransactions(_from: number, _to: number): AbortedTransaction[] {
    return [];
  }

  /** DeleteRecords: moves the log start offset up and drops segments wholly below it. */
  deleteRecordsBefore(offset: number): number {
    if (offset <= this.startOffset) return this.startOffset;
    this.startOffset = offset;
    while (this.segments.length > 1 && this.segments[1]!.baseOffset <= offset) {
      this.segments.shift()!.storage.delete();
    }
    return this.startOffset;
  }

  /** Called for every appended batch with its size; the fetch purgatory listens here. */
  onAppend(listener: (log: PartitionLog, bytes: number) => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  /** The partition is gone (topic deleted): wake waiting fetches, free the bytes. */
  delete(): void {
    if (this.deleted) return;
    this.deleted = true;
    for (const listener of [...this.appendListeners]) listener(this, 0);
    this.appendListeners.clear();
    for (const segment of this.segments) segment.storage.delete();
  }
}
