// The segments of one partition's log, oldest first, and the log start offset: what changes
// which segments exist. A roll closes the active segment and opens one at the log end (when,
// Kafka's LogSegment.shouldRoll decides); DeleteRecords and retention drop segments from the
// oldest on, moving the log start offset; the cleaner swaps closed segments for cleaned copies.
import type { LogConfig } from "./log-config.js";
import { segmentIndexFor } from "./log-reads.js";
import { LogSegment } from "./log-segment.js";
import type { ProducerStateManager } from "./producer-state.js";
import type { PartitionStorage } from "./segment-storage.js";

export class LogSegments {
  /** Oldest first; the last is the active segment, the only one appended to. */
  readonly list: LogSegment[] = [];
  #startOffset = 0;

  constructor(
    private readonly storage: PartitionStorage,
    private readonly producers: ProducerStateManager,
    /** The log end offset, where a roll starts the new segment. */
    private readonly endOffset: () => number,
  ) {}

  get startOffset(): number {
    return this.#startOffset;
  }

  get active(): LogSegment {
    return this.list[this.list.length - 1]!;
  }

  /** Bytes in all segments. */
  get size(): number {
    let total = 0;
    for (const segment of this.list) total += segment.size;
    return total;
  }

  /** A new log: one empty segment at offset 0. */
  create(now: number): void {
    this.list.push(new LogSegment(0, this.storage.create(0), now));
  }

  /** A recovered log: its segments as found. */
  load(segments: readonly LogSegment[], startOffset: number): void {
    this.list.push(...segments);
    this.#startOffset = startOffset;
  }

  /** Index of the segment that holds `offset` (the last one starting at or before it). */
  indexFor(offset: number): number {
    return segmentIndexFor(this.list, offset);
  }

  /**
   * Kafka's LogSegment.shouldRoll: segment.bytes, or segment.ms measured in record time, from
   * the segment's first batch to the incoming one (wall-clock time since the segment was made
   * only when its first batch has no timestamp). So records with old timestamps followed by a
   * recent one (a transaction marker carries the broker's clock) close their segment at once,
   * and the cleaner may then compact them as soon as min.compaction.lag.ms allows.
   */
  maybeRoll(incomingBytes: number, incomingMaxTimestamp: number, now: number, config: LogConfig): void {
    const active = this.active;
    const first = active.entries[0];
    if (first === undefined) return;
    const waited = first.maxTimestamp >= 0 ? incomingMaxTimestamp - first.maxTimestamp : now - active.createdAt;
    if (active.size + incomingBytes > config.segmentBytes || waited > config.segmentMs) this.roll(now);
  }

  /** Closes the active segment and starts a new one at the log end offset. */
  roll(now: number): void {
    const endOffset = this.endOffset();
    // The snapshot at the new segment's base makes recovery replay only the active segment,
    // which the cleaner never touches (Kafka takes one at every roll as well).
    if (this.storage.persistent) this.storage.writeProducerSnapshot(endOffset, this.producers.snapshot());
    this.active.storage.seal();
    this.list.push(new LogSegment(endOffset, this.storage.create(endOffset), now));
  }

  /** DeleteRecords: moves the log start offset up and drops segments wholly below it. */
  deleteRecordsBefore(offset: number): number {
    if (offset <= this.#startOffset) return this.#startOffset;
    this.#startOffset = offset;
    while (this.list.length > 1 && this.list[1]!.baseOffset <= offset) {
      this.list.shift()!.storage.delete();
    }
    this.storage.logStartOffsetChanged(this.#startOffset);
    return this.#startOffset;
  }

  /**
   * Retention: deletes segments from the oldest on while `shouldDelete` holds for them. The
   * active segment may go too if it is not empty: a new one is rolled first, as Kafka does.
   * The log start offset moves to the first remaining segment. Returns how many went.
   */
  deleteOldest(shouldDelete: (segment: LogSegment, isActive: boolean) => boolean, now: number): number {
    let count = 0;
    while (count < this.list.length) {
      const segment = this.list[count]!;
      const isActive = count === this.list.length - 1;
      if (isActive && segment.isEmpty) break;
      if (!shouldDelete(segment, isActive)) break;
      count += 1;
    }
    if (count === 0) return 0;
    if (count === this.list.length) this.roll(now);
    for (const segment of this.list.splice(0, count)) segment.storage.delete();
    const first = this.list[0]!.baseOffset;
    if (first > this.#startOffset) {
      this.#startOffset = first;
      this.storage.logStartOffsetChanged(first);
    }
    return count;
  }

  /**
   * The cleaner's swap: segments [from, from + count), all closed, are replaced by cleaned
   * copies holding a subset of their batches at the same offsets.
   */
  replace(from: number, count: number, cleaned: LogSegment[]): void {
    if (from + count >= this.list.length) throw new Error("the active segment is never replaced");
    const replaced = this.list.slice(from, from + count);
    const nextOffset = this.list[from + count]!.baseOffset;
    this.storage.swapCleaned(
      cleaned.map((segment, i) => ({
        baseOffset: segment.baseOffset,
        nextOffset: cleaned[i + 1]?.baseOffset ?? nextOffset,
        storage: segment.storage,
      })),
      replaced.map((segment) => segment.storage),
    );
    this.list.splice(from, count, ...cleaned);
  }
}
