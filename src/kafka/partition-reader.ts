// Reads given partitions from given offsets, read_committed, without joining any consumer
// group: what Kafka Streams' restore consumer does with assign() + seek(). kafkajs has no
// manual assignment; the seam's ClusterReader (kafkajs/cluster-reader.ts) is the one
// workaround for that (docs/ARCHITECTURE.md, "The kafkajs seam"). This module adds what a
// restore needs on top of single fetches: telling "nothing new yet" from "a gap up to the
// last stable offset" (offsets compacted or aborted away), so that a restore reaches the end.
import type { Kafka } from "kafkajs";
import { ClusterReader } from "./kafkajs/index.js";
import type { PartitionRead, ReadOptions, TopicPartition, TopicPartitionOffset } from "./types.js";
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
  async read(positions: readonly TopicPartitionOffset[], options: ReadOptions): Promise<PartitionRead[]> {
    if (positions.length === 0) return [];
    const reads = await this.cluster.fetch(positions, options);
    const requested = new Map(positions.map((p) => [topicPartitionKey(p), p.offset]));
    const gaps = reads.filter(
      (r) =>
        r.records.length === 0 &&
        r.nextOffset === requested.get(topicPartitionKey(r)) &&
        r.lastStableOffset > r.nextOffset,
    );
    if (gaps.length === 0 || positions.length === 1) return this.skipGaps(reads, positions.length === 1);
    // A partition other than the first may come back empty only because the response
    // reached maxBytes in the middle of its batch; alone in a request, its first batch
    // is returned whole, so an empty answer then really means a gap.
    for (const gap of gaps) {
      const [solo] = await this.cluster.fetch(
        [{ topic: gap.topic, partition: gap.partition, offset: gap.nextOffset }],
        {
          ...options,
          maxWaitMs: 0,
        },
      );
      if (solo) reads[reads.indexOf(gap)] = this.skipGaps([solo], true)[0] ?? solo;
    }
    return reads;
  }

  private skipGaps(reads: PartitionRead[], confirmed: boolean): PartitionRead[] {
    if (!confirmed) return reads;
    return reads.map((r) =>
      r.records.length === 0 && r.lastStableOffset > r.nextOffset ? { ...r, nextOffset: r.lastStableOffset } : r,
    );
  }
}
