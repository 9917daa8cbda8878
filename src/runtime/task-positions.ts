// Where an active task stands on each of its input partitions: the next offset to
// process, the offset last committed, the end of the log as of the last fetch, and
// how far markers and aborted records let it count as caught up.
import type { TopicPartition, TopicPartitionOffset } from "../kafka/types.js";
import { topicPartitionKey } from "../kafka/types.js";

export class TaskPositions {
  readonly #positions = new Map<string, number>();
  readonly #committed = new Map<string, number>();
  readonly #highWatermarks = new Map<string, number>();
  /** Per input partition, where everything before is processed or is not data (markers, aborted records). */
  readonly #clearTo = new Map<string, number>();

  constructor(private readonly partitions: readonly TopicPartition[]) {}

  /** Next offset to process, per input partition. */
  positions(): TopicPartitionOffset[] {
    return this.partitions.map((tp) => ({ ...tp, offset: this.#positions.get(topicPartitionKey(tp)) ?? 0 }));
  }

  /** The store's position for lookups: past markers and aborted records, which change nothing. */
  readable(): TopicPartitionOffset[] {
    return this.partitions.map((tp) => ({ ...tp, offset: this.#clear(topicPartitionKey(tp)) }));
  }

  /** The offsets committed for the input partitions (the next record to process). */
  committedOffsets(): TopicPartitionOffset[] {
    return this.partitions.map((tp) => ({ ...tp, offset: this.#committed.get(topicPartitionKey(tp)) ?? 0 }));
  }

  /** The positions not committed yet. */
  uncommitted(positions: readonly TopicPartitionOffset[]): TopicPartitionOffset[] {
    return positions.filter((p) => this.#committed.get(topicPartitionKey(p)) !== p.offset);
  }

  /**
   * Records behind the end of each input partition, as of the last fetched batch.
   * Transaction markers and aborted records the consumer moved past are not counted:
   * 0 once everything readable is processed.
   */
  lag(): Array<TopicPartition & { lag: number }> {
    return this.partitions.map((tp) => {
      const key = topicPartitionKey(tp);
      const end = this.#highWatermarks.get(key);
      return { ...tp, lag: end === undefined ? 0 : Math.max(0, end - this.#clear(key)) };
    });
  }

  /**
   * A fetch of an input partition from `firstOffset` to `lastOffset` held nothing to
   * process. When it started where the task stands, the task is clear up to its end.
   */
  skipped(partition: TopicPartition, firstOffset: number, lastOffset: number): void {
    const key = topicPartitionKey(partition);
    const clear = this.#clear(key);
    if (firstOffset <= clear && lastOffset + 1 > clear) this.#clearTo.set(key, lastOffset + 1);
  }

  /** The task starts (again) from these offsets, committed. */
  start(key: string, offset: number): void {
    this.#positions.set(key, offset);
    this.#committed.set(key, offset);
  }

  /** A batch was fetched: where the partition ends. */
  fetched(key: string, highWatermark: number): void {
    this.#highWatermarks.set(key, highWatermark);
  }

  position(key: string): number {
    return this.#positions.get(key) ?? 0;
  }

  advance(key: string, position: number): void {
    this.#positions.set(key, position);
  }

  /** Nothing to process before `offset` (what follows the last record of a batch is markers or aborted). */
  clearTo(key: string, offset: number): void {
    this.#clearTo.set(key, offset);
  }

  committed(offsets: readonly TopicPartitionOffset[]): void {
    for (const p of offsets) this.#committed.set(topicPartitionKey(p), p.offset);
  }

  /** Uncommitted work is dropped: the task goes back to its committed offsets. */
  rewind(): void {
    for (const [key, offset] of this.#committed) this.#positions.set(key, offset);
    this.#clearTo.clear();
  }

  #clear(key: string): number {
    return Math.max(this.#positions.get(key) ?? 0, this.#clearTo.get(key) ?? 0);
  }
}
