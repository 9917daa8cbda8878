// Where sinks put serialized records: Kafka Streams' RecordCollector. The Kafka runtime
// implements it over the task's transactional producer (records join the open
// transaction and are committed with the input offsets and the changelogs); the
// TopologyTestDriver over in-memory topics.
import type { Header } from "../topology/headers.js";

export interface ProducedRecord {
  /** The physical topic. */
  readonly topic: string;
  /** Set when the sink has a custom partitioner; otherwise the producer's default (murmur2 of the key bytes). */
  readonly partition: number | undefined;
  readonly key: Buffer | null;
  /**
   * What the default partitioner hashes when it is not the key's bytes: a windowed key's
   * inner key (Kafka Streams' WindowedStreamPartitioner). Absent: the key.
   */
  readonly partitionKey?: Buffer;
  readonly value: Buffer | null;
  readonly headers: readonly Header[];
  readonly timestamp: number;
}

export interface RecordCollector {
  /**
   * Takes a record for sending. It may buffer and report failures later (at flush or
   * commit), but must keep the order of the calls per partition.
   */
  send(record: ProducedRecord): void | Promise<void>;
  /** The partition count of a topic: asked only for sinks with a custom partitioner. */
  partitionsFor(topic: string): number;
}
