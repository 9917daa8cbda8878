// The metadata string a task commits with each input partition's offset, as Kafka Streams'
// TopicPartitionMetadata writes it: base64 of a version byte (2), the partition time (int64,
// -1 when unknown) and the task's processor metadata (processor-metadata.ts). A Kafka Streams
// application and Eddy read each other's: the partition time a restarted task starts from,
// and the windowed aggregations' last emit times. Version 1 held the partition time only.
//
// Like Kafka Streams, a string that does not decode is not an error: the partition time is
// unknown and the metadata empty (another client's commit, an older format), and the caller
// logs why.
import { ProcessorMetadata } from "../engine/processor-metadata.js";
import type { CommittedOffset, TopicPartition } from "../kafka/types.js";
import { topicPartitionKey } from "../kafka/types.js";

export const TOPIC_PARTITION_METADATA_VERSION = 2;
export const UNKNOWN_PARTITION_TIME = -1;

export interface TopicPartitionMetadata {
  readonly partitionTime: number;
  readonly processorMetadata: ProcessorMetadata;
}

export function encodeTopicPartitionMetadata(partitionTime: number, processorMetadata: ProcessorMetadata): string {
  const meta = processorMetadata.serialize();
  const bytes = Buffer.alloc(1 + 8 + meta.length);
  bytes.writeInt8(TOPIC_PARTITION_METADATA_VERSION, 0);
  bytes.writeBigInt64BE(BigInt(partitionTime), 1);
  meta.copy(bytes, 9);
  return bytes.toString("base64");
}

export type DecodedTopicPartitionMetadata = TopicPartitionMetadata & {
  /** Why the string was not read (the defaults stand in); undefined when it was, or was empty. */
  readonly problem?: string;
};

/** The committed metadata string back; null or empty: unknown time, no metadata. */
export function decodeTopicPartitionMetadata(encoded: string | null | undefined): DecodedTopicPartitionMetadata {
  const unknown = { partitionTime: UNKNOWN_PARTITION_TIME, processorMetadata: new ProcessorMetadata() };
  if (encoded === null || encoded === undefined || encoded.length === 0) return unknown;
  // Java's Base64 decoder refuses what Node's skips over: the same strings are refused here.
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded) || encoded.length % 4 === 1) {
    return { ...unknown, problem: "it is not base64" };
  }
  const bytes = Buffer.from(encoded, "base64");
  if (bytes.length === 0) return { ...unknown, problem: "it is empty" };
  const version = bytes.readInt8(0);
  if (version !== 1 && version !== TOPIC_PARTITION_METADATA_VERSION) {
    return {
      ...unknown,
      problem: `its version ${version} is not supported (versions <= ${TOPIC_PARTITION_METADATA_VERSION} are)`,
    };
  }
  if (bytes.length < 9) return { ...unknown, problem: "it ends inside the partition time" };
  const partitionTime = Number(bytes.readBigInt64BE(1));
  if (version === 1 || bytes.length === 9) return { partitionTime, processorMetadata: new ProcessorMetadata() };
  try {
    return { partitionTime, processorMetadata: ProcessorMetadata.deserialize(bytes.subarray(9)) };
  } catch (error) {
    // Kafka Streams drops the whole string then, partition time included.
    return { ...unknown, problem: error instanceof Error ? error.message : String(error) };
  }
}

export interface CommittedTaskTime {
  /** By topic (a task reads one partition of each): the partition time its last owner committed. */
  readonly partitionTimes: Map<string, number>;
  /** Every input partition's processor metadata, merged (the larger value of a key wins). */
  readonly processorMetadata: ProcessorMetadata;
  /** Partitions whose metadata string did not decode, and why. */
  readonly problems: ReadonlyArray<{ readonly partition: TopicPartition; readonly problem: string }>;
}

/**
 * Kafka Streams' initializeTaskTimeAndProcessorMetadata: the partition times and the
 * processor metadata a task starts from, out of its input partitions' committed metadata.
 */
export function committedTaskTime(
  partitions: readonly TopicPartition[],
  committed: ReadonlyMap<string, CommittedOffset>,
): CommittedTaskTime {
  const partitionTimes = new Map<string, number>();
  const processorMetadata = new ProcessorMetadata();
  const problems: Array<{ partition: TopicPartition; problem: string }> = [];
  for (const partition of partitions) {
    const offset = committed.get(topicPartitionKey(partition));
    if (offset === undefined) continue;
    const decoded = decodeTopicPartitionMetadata(offset.metadata);
    if (decoded.problem !== undefined) problems.push({ partition, problem: decoded.problem });
    partitionTimes.set(partition.topic, decoded.partitionTime);
    processorMetadata.update(decoded.processorMetadata);
  }
  // Restored, not set: nothing to commit until a processor changes it.
  processorMetadata.needsCommit = false;
  return { partitionTimes, processorMetadata, problems };
}
