// Reads given partitions from given offsets, read_committed, without joining any consumer
// group: what Kafka Streams' restore consumer does with assign() + seek(). kafkajs has no
// manual assignment; the seam's ClusterReader (kafkajs/cluster-reader.ts) is the one
// workaround for that (docs/ARCHITECTURE.md, "The kafkajs seam"). This module adds what a
// restore needs on top of single fetches: telling "nothing new yet" from "a gap up to the
// last stable offset" (offsets compacted or aborted away), so that a restore reaches the end.
import type { Kafka } from "kafkajs";
import { ClusterReader } from "./kafkajs/index.js";
import type {
  CommittedOffset,
  ConsumedRecord,
  PartitionRead,
  ReadOptions,
  TopicPartition,
  TopicPartitionOffset,
} from "./types.js";
import { topicPartitionKey } from "./types.js";

export type { PartitionRead, ReadOptions } from "./types.js";

export class PartitionReader {
  private constructor(private readonly cluster: ClusterReader) {}

  static async connect(kafka: Kafka, name: string): Promise<PartitionReader> {
    return new PartitionReader(await ClusterReader.connect(kafka, name));
  }

  async close(): Promise<void> {
    await this.cluster.close();
  }

  /** The last stable offset of each partition: the end of what read_committed can see. */
  async endOffsets(partitions: readonly TopicPartition[]): Promise<Map<string, number>> {
    return this.cluster.listOffsets(partitions, false);
  }

  /**
   * Where `groupId` stands on `partitions`, waiting for no open transaction: an offset a
   * transaction still holds throws UNSTABLE_OFFSET_COMMIT (retriable), as Kafka's
   * read_committed consumers are answered (OffsetFetch requireStable). Partitions the group
   * never committed are left out.
   */
  async stableCommittedOffsets(groupId: string, partitions: readonly TopicPartition[]): Promise<Map<string, number>> {
    const committed = await this.cluster.stableCommittedOffsets(groupId, partitions);
    return new Map([...committed].map(([key, { offset }]) => [key, offset]));
  }

  /** stableCommittedOffsets() with the metadata committed with each offset. */
  async stableCommittedOffsetsAndMetadata(
    groupId: string,
    partitions: readonly TopicPartition[],
  ): Promise<Map<string, CommittedOffset>> {
    return this.cluster.stableCommittedOffsets(groupId, partitions);
  }

  /** The log start offset of each partition (after retention or DeleteRecords). */
  async beginningOffsets(partitions: readonly TopicPartition[]): Promise<Map<string, number>> {
    return this.cluster.listOffsets(partitions, true);
  }

  /**
   * One Fetch per partition leader, in parallel. Returns what each partition had; a
   * partition with nothing new comes back with no records and an unchanged nextOffset,
   * unless its offsets up to the LSO hold no records at all (compacted away), in which
   * case nextOffset moves to the LSO so that callers waiting for "the end" get there.
   */
  read(positions: readonly TopicPartitionOffset[], options: ReadOptions): Promise<PartitionRead[]> {
    return this.#read(positions, options, (p, o) => this.cluster.fetch(p, o));
  }

  /**
   * As read(), but the records are decoded as they are iterated, a batch at a time
   * (ClusterReader.fetchLazily): for bulk loads, which write each record as it comes.
   */
  readLazily(
    positions: readonly TopicPartitionOffset[],
    options: ReadOptions,
  ): Promise<Array<PartitionRead<Iterable<ConsumedRecord>>>> {
    return this.#read(positions, options, (p, o) => this.cluster.fetchLazily(p, o));
  }

  async #read<R extends Iterable<ConsumedRecord>>(
    positions: readonly TopicPartitionOffset[],
    options: ReadOptions,
    fetch: (positions: readonly TopicPartitionOffset[], options: ReadOptions) => Promise<Array<PartitionRead<R>>>,
  ): Promise<Array<PartitionRead<R>>> {
    if (positions.length === 0) return [];
    const reads = await fetch(positions, options);
    const requested = new Map(positions.map((p) => [topicPartitionKey(p), p.offset]));
    // No complete batch at or past the offset asked for (a batch of records, markers or
    // aborted data would have moved nextOffset), while the LSO lies beyond it.
    const empty = (r: PartitionRead<R>): boolean =>
      r.nextOffset === requested.get(topicPartitionKey(r)) && r.lastStableOffset > r.nextOffset;
    const gaps = reads.filter(empty);
    if (gaps.length === 0) return reads;
    // Alone in a request, a partition's first batch is returned whole, so an empty answer
    // then really means a gap. A partition among others may come back empty only because
    // the response reached maxBytes before it: it is asked again alone.
    const confirm = async (gap: PartitionRead<R>): Promise<PartitionRead<R>> => {
      const solo =
        positions.length === 1
          ? gap
          : (
              await fetch([{ topic: gap.topic, partition: gap.partition, offset: gap.nextOffset }], {
                ...options,
                maxWaitMs: 0,
              })
            )[0];
      if (solo === undefined) return gap;
      return empty(solo) ? { ...solo, nextOffset: solo.lastStableOffset } : solo;
    };
    for (const gap of gaps) reads[reads.indexOf(gap)] = await confirm(gap);
    return reads;
  }
}
