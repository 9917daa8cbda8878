// One segment of a partition log: its bytes (a SegmentStorage), the index of the batches
// in it and its aborted-transaction index. The batch index keeps, per batch, what Kafka keeps
// in its offset and time indexes and in the batch headers that producer state and the
// cleaner need, so none of that ever requires reading the bytes back. The aborted
// transactions whose abort marker is in this segment are listed in marker order, as in
// Kafka's .txnindex files.
import type { SegmentStorage } from "./segment-storage.js";

/** One aborted transaction (Kafka's AbortedTxn): its range and the LSO after its marker. */
export interface AbortedTxn {
  readonly producerId: number;
  readonly firstOffset: number;
  /** The abort marker's offset. */
  readonly lastOffset: number;
  /** The partition's last stable offset once this transaction was aborted. */
  readonly lastStableOffset: number;
}

export interface BatchEntry {
  readonly baseOffset: number;
  readonly lastOffset: number;
  /** Byte position of the batch in its segment. */
  readonly position: number;
  readonly size: number;
  /** The batch's max timestamp (the append time on LogAppendTime topics). */
  readonly maxTimestamp: number;
  /** Highest maxTimestamp of this and all earlier batches of the segment: the time index. */
  readonly maxTimestampSoFar: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  /** Batch attributes: compression, timestamp type, transactional and control flags. */
  readonly attributes: number;
  readonly recordCount: number;
  /** Control batches: the marker type (0 abort, 1 commit); -1 for data batches. */
  readonly controlType: number;
}

export type NewBatchEntry = Omit<BatchEntry, "position" | "maxTimestampSoFar">;

export class LogSegment {
  readonly entries: BatchEntry[];
  /** Transactions aborted by a marker in this segment, in marker order. */
  readonly abortedTxns: AbortedTxn[];

  constructor(
    readonly baseOffset: number,
    readonly storage: SegmentStorage,
    /** When the segment was made (or loaded): segment.ms counts from it when the first batch has no timestamp. */
    readonly createdAt: number,
    entries: BatchEntry[] = [],
    abortedTxns: AbortedTxn[] = [],
  ) {
    this.entries = entries;
    this.abortedTxns = abortedTxns;
  }

  get size(): number {
    return this.storage.size;
  }

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /** The offset after this segment's last batch. */
  get nextOffset(): number {
    const last = this.entries[this.entries.length - 1];
    return last ? last.lastOffset + 1 : this.baseOffset;
  }

  get maxTimestamp(): number {
    const last = this.entries[this.entries.length - 1];
    return last ? last.maxTimestampSoFar : -1;
  }

  append(batch: Buffer, entry: NewBatchEntry, retainable: boolean): BatchEntry {
    const previousMax = this.maxTimestamp;
    const stored: BatchEntry = {
      ...entry,
      position: this.storage.size,
      maxTimestampSoFar: Math.max(previousMax, entry.maxTimestamp),
    };
    this.storage.append(batch, retainable);
    this.entries.push(stored);
    return stored;
  }

  addAbortedTxn(txn: AbortedTxn): void {
    this.abortedTxns.push(txn);
    this.storage.appendAbortedTxn(txn);
  }

  /** Index of the first batch whose last offset is >= offset (entries.length if none). */
  indexOfOffset(offset: number): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.entries[mid]!.lastOffset < offset) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Index of the first batch holding a timestamp >= timestamp (entries.length if none). */
  indexOfTimestamp(timestamp: number): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.entries[mid]!.maxTimestampSoFar < timestamp) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /**
   * The bytes of batches [from, to): one read per run of adjacent batches (bytes between two
   * batches, damage the loader skipped over, are never served).
   */
  read(from: number, to: number): Buffer[] {
    if (from >= to) return [];
    const out: Buffer[] = [];
    let runStart = from;
    for (let i = from + 1; i <= to; i++) {
      const previous = this.entries[i - 1]!;
      if (i < to && this.entries[i]!.position === previous.position + previous.size) continue;
      const first = this.entries[runStart]!;
      for (const part of this.storage.read(first.position, previous.position + previous.size - first.position)) {
        out.push(part);
      }
      runStart = i;
    }
    return out;
  }

  readBatch(index: number): Buffer {
    const entry = this.entries[index]!;
    const parts = this.storage.read(entry.position, entry.size);
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
}
