// Kafka shapes the runtime works with, free of kafkajs types: the runtime never sees
// kafkajs' string offsets or its message objects.

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface TopicPartitionOffset extends TopicPartition {
  offset: number;
}

export interface KafkaHeader {
  readonly key: string;
  readonly value: Buffer | null;
}

/**
 * Headers as a list, as the record format has them: a key may repeat, a value may be
 * null. (kafkajs exposes them by key, which keeps the order within a key only.)
 */
export type KafkaHeaders = readonly KafkaHeader[];

/** The last value of a header, as Kafka's Headers.lastHeader(); undefined when absent. */
export function lastHeader(headers: KafkaHeaders, key: string): Buffer | null | undefined {
  for (let i = headers.length - 1; i >= 0; i -= 1) {
    const header = headers[i];
    if (header?.key === key) return header.value;
  }
  return undefined;
}

/** kafkajs' by-key headers (Buffer, string or arrays of them) as a list. */
export function fromKafkajsHeaders(headers: Record<string, unknown> | undefined): KafkaHeaders {
  const list: KafkaHeader[] = [];
  if (!headers) return list;
  for (const key in headers) {
    const value = headers[key];
    if (Array.isArray(value)) for (const v of value) list.push({ key, value: toBuffer(v) });
    else list.push({ key, value: toBuffer(value) });
  }
  return list;
}

function toBuffer(value: unknown): Buffer | null {
  if (value === null || value === undefined) return null;
  return Buffer.isBuffer(value) ? value : Buffer.from(String(value), "utf8");
}

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
