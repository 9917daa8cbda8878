// Kafka shapes the runtime works with, free of kafkajs types: the runtime never sees
// kafkajs' string offsets or its message objects.

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface TopicPartitionOffset extends TopicPartition {
  offset: number;
}

/** An offset to commit and the metadata string that goes with it (Kafka's OffsetAndMetadata). */
export interface OffsetToCommit extends TopicPartitionOffset {
  /** Up to the broker's offset.metadata.max.bytes (4096 by default); none when undefined or null. */
  readonly metadata?: string | null | undefined;
}

/** A group's committed offset (the next to read) and its metadata ("" or null when none was given). */
export interface CommittedOffset {
  readonly offset: number;
  readonly metadata: string | null;
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

/**
 * The header list in kafkajs' by-key form: the values of a repeated key keep their order
 * (kafkajs cannot interleave keys). kafkajs 2.2.4 throws while sizing a record whose header
 * value is null (Buffer.byteLength(null)), although Kafka allows null values: they are sent
 * as empty values, the closest it can write.
 */
export function toKafkajsHeaders(headers: KafkaHeaders | undefined): Record<string, Buffer | Buffer[]> | undefined {
  if (headers === undefined || headers.length === 0) return undefined;
  const out: Record<string, Buffer | Buffer[]> = {};
  for (const { key, value } of headers) {
    const bytes = value ?? EMPTY;
    const existing = out[key];
    if (existing === undefined) out[key] = bytes;
    else if (Array.isArray(existing)) existing.push(bytes);
    else out[key] = [existing, bytes];
  }
  return out;
}

const EMPTY = Buffer.alloc(0);

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
  /**
   * Set on the one entry that stands for a record batch no consumer can read (its payload
   * does not decompress, its records do not parse): `offset` is the batch's last offset,
   * `value` the batch's bytes as stored. The application dead-letters it and moves on.
   */
  undecodable?: UndecodableBatch;
}

/** Where an undecodable record batch lies and why it cannot be read. */
export interface UndecodableBatch {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly reason: string;
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

/** A read of given partitions from given offsets (the partition reader's). */
export interface ReadOptions {
  /** Longest the broker may hold the request when there is no data (long polling). */
  maxWaitMs: number;
  maxBytes: number;
  maxBytesPerPartition: number;
}

export interface PartitionRead<Records extends Iterable<ConsumedRecord> = ConsumedRecord[]> extends TopicPartition {
  /** Committed data records, in offset order; control records and aborted data removed. */
  records: Records;
  /** Where the next read of this partition starts: past every returned batch, markers included. */
  nextOffset: number;
  /** The partition's last stable offset as the broker reported it in this response. */
  lastStableOffset: number;
}

/** Where a produced batch landed, per partition: the first and last offsets assigned. */
export interface ProducedOffsets extends TopicPartition {
  baseOffset: number;
  lastOffset: number;
}

export function topicPartitionKey(tp: TopicPartition): string {
  return `${tp.topic}|${tp.partition}`;
}

/** Where a consumer stands in its group (Kafka's ConsumerGroupMetadata): what KIP-447 commits carry. */
export interface GroupMetadata {
  readonly groupId: string;
  /** -1 before the first assignment. */
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}
