// Kafka shapes the runtime works with, free of kafkajs types: the runtime never sees
// kafkajs' string offsets or its message objects.

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface TopicPartitionOffset extends TopicPartition {
  offset: number;
}

/**
 * Headers as kafkajs exposes them: by key, a repeated key holding its values in order
 * (kafkajs keeps the order within a key, not across keys), null for a null value.
 */
export type KafkaHeaders = Record<string, Buffer | null | Array<Buffer | null>>;

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: number;
  /** Milliseconds since the epoch (create time, or log-append time if the topic says so). */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: KafkaHeaders;
}

export interface ProducedRecord {
  topic: string;
  /** Always explicit: the runtime partitions with the Java-compatible murmur2 partitioner. */
  partition: number;
  key: Buffer | null;
  value: Buffer | null;
  headers?: KafkaHeaders;
  timestamp?: number;
}

/** Where a produced batch landed, per partition: the first and last offsets assigned. */
export interface ProducedOffsets extends TopicPartition {
  baseOffset: number;
  lastOffset: number;
}

export function topicPartitionKey(tp: TopicPartition): string {
  return `${tp.topic}|${tp.partition}`;
}
