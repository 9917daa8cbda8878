// OffsetCommit and TxnOffsetCommit carry the same topics -> partitions shape: flattened into
// the coordinator's entries on the way in, and answered with one error code per partition,
// in request order, on the way out.
import type { BrokerContext } from "./handler.js";

interface CommittedPartition {
  partitionIndex: number;
  committedOffset: number;
  committedLeaderEpoch: number;
  committedMetadata: string | null;
}

interface CommittedTopic {
  name: string;
  partitions: readonly CommittedPartition[];
}

export function offsetEntries(topics: readonly CommittedTopic[]) {
  return topics.flatMap((topic) =>
    topic.partitions.map((p) => ({
      topic: topic.name,
      partition: p.partitionIndex,
      offset: p.committedOffset,
      leaderEpoch: p.committedLeaderEpoch,
      // Kafka stores a null metadata as the empty string.
      metadata: p.committedMetadata ?? "",
    })),
  );
}

/** The response's topics, given one code per partition in the order offsetEntries() listed them. */
export function perPartitionCodes(topics: readonly CommittedTopic[], codes: readonly number[]) {
  let next = 0;
  return topics.map((topic) => ({
    name: topic.name,
    partitions: topic.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: codes[next++]! })),
  }));
}

export function partitionExists(broker: BrokerContext): (topic: string, partition: number) => boolean {
  return (topic, partition) => broker.topics.partition(topic, partition) !== undefined;
}
