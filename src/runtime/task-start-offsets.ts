// Where a task starts reading its input partitions: the group's committed offsets (and the
// metadata committed with them), and for a partition the group never committed, where its
// source's autoOffsetReset says.
import type { KafkaAdmin } from "../kafka/admin-client.js";
import type { PartitionReader } from "../kafka/partition-reader.js";
import type { CommittedOffset, TopicPartition } from "../kafka/types.js";
import { topicPartitionKey } from "../kafka/types.js";
import { NoCommittedOffsetError } from "./errors.js";
import type { TopologyMetadata } from "./topology-metadata.js";

export interface StartOffsetSources {
  readonly groupId: string;
  readonly admin: KafkaAdmin;
  readonly reader: PartitionReader;
  readonly metadata: TopologyMetadata;
  /**
   * Exactly-once v2: an older owner's transaction may still hold these offsets, so they
   * are read with requireStable, which waits (UNSTABLE_OFFSET_COMMIT, retried) until it
   * has committed or aborted.
   */
  readonly stable: boolean;
  /** Retries a read while the broker is unreachable (for up to taskTimeoutMs). */
  retry<T>(what: string, read: () => Promise<T>): Promise<T>;
}

export interface StartOffsets {
  /** The offset to start from, per input partition (by topicPartitionKey). */
  readonly offsets: Map<string, number>;
  /** What the group committed, with its metadata (Kafka Streams' partition time and processor metadata). */
  readonly committed: ReadonlyMap<string, CommittedOffset>;
}

export async function startOffsets(
  partitions: readonly TopicPartition[],
  sources: StartOffsetSources,
): Promise<StartOffsets> {
  const { admin, reader, metadata, groupId, retry } = sources;
  const committed = await retry("reading committed offsets", () =>
    sources.stable
      ? reader.stableCommittedOffsetsAndMetadata(groupId, partitions)
      : admin.committedOffsetsAndMetadata(groupId, partitions),
  );
  const missing = partitions.filter((tp) => !committed.has(topicPartitionKey(tp)));
  // A partition the group never committed starts where its source's autoOffsetReset
  // says: the log start by default (Kafka Streams' default), the end with "latest".
  const noReset = missing.find((tp) => metadata.offsetResetOf(tp.topic) === "none");
  if (noReset !== undefined) throw new NoCommittedOffsetError(noReset.topic, noReset.partition);
  const earliest = missing.filter((tp) => metadata.offsetResetOf(tp.topic) === "earliest");
  const latest = missing.filter((tp) => metadata.offsetResetOf(tp.topic) === "latest");
  const starts = new Map<string, number>();
  if (earliest.length > 0) {
    for (const [key, offset] of await retry("reading log start offsets", () => reader.beginningOffsets(earliest)))
      starts.set(key, offset);
  }
  if (latest.length > 0) {
    for (const [key, offset] of await retry("reading log end offsets", () => reader.endOffsets(latest)))
      starts.set(key, offset);
  }
  const offsets = new Map<string, number>();
  for (const tp of partitions) {
    const key = topicPartitionKey(tp);
    offsets.set(key, committed.get(key)?.offset ?? starts.get(key) ?? 0);
  }
  return { offsets, committed };
}
