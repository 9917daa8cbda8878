// Shared by both producers: records in the runtime's shape to kafkajs messages, and
// kafkajs' per-partition answers back to the offsets the records got.
import type { ICustomPartitioner, IHeaders, Message, RecordMetadata, TopicMessages } from "kafkajs";
import type { KafkaHeader, KafkaHeaders, ProducedOffsets, ProducedRecord } from "./types.js";

/**
 * Every record carries its partition, computed by the runtime with the Java-compatible
 * murmur2 partitioner over the key's serialized bytes; kafkajs must not re-partition.
 */
export const explicitPartitioner: ICustomPartitioner =
  () =>
  ({ message }) => {
    if (message.partition === undefined) throw new Error("Eddy sends every record with an explicit partition");
    return message.partition;
  };

/**
 * A topic's messages for kafkajs' sendBatch, whose grouping by partition comes for
 * free. kafkajs 2.2.4 (pinned) groups a send's messages per partition in
 * groupMessagesPerPartition with `messages.reduce(...)`, copying the partition's list
 * for every message: quadratic, the largest single cost of producing a few thousand
 * records. Every runtime record carries its partition and the producers'
 * explicitPartitioner returns exactly that, so this list answers that reduce with the
 * same grouping, built in one pass. Any other reduce (one with a non-object seed)
 * runs as Array's own.
 */
export class PartitionedMessages extends Array<Message> {
  // Array methods that build a new array (map, filter, slice...) must not build this class.
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  override reduce(...args: unknown[]): never {
    const [callback, seed] = args;
    if (args.length !== 2 || typeof seed !== "object" || seed === null || Object.keys(seed).length > 0) {
      return (Array.prototype.reduce as (...a: unknown[]) => never).apply(this, [callback, ...args.slice(1)]);
    }
    const groups = seed as Record<number, Message[]>;
    for (let i = 0; i < this.length; i += 1) {
      const message = this[i] as Message;
      if (message.partition === undefined) throw new Error("Eddy sends every record with an explicit partition");
      const list = groups[message.partition];
      if (list === undefined) groups[message.partition] = [message];
      else list.push(message);
    }
    return groups as never;
  }
}

/**
 * Groups records by topic for kafkajs. With `asIs` (a client with the fast Produce
 * encoder, see fast-produce.ts) the records themselves travel as kafkajs messages, with
 * no object made per record; otherwise they are converted to kafkajs' message shape.
 */
export function toKafkajsTopicMessages(records: readonly ProducedRecord[], asIs = false): TopicMessages[] {
  const topics: TopicMessages[] = [];
  let lastTopic: string | undefined;
  let messages: PartitionedMessages | undefined;
  for (const record of records) {
    if (record.topic !== lastTopic) {
      lastTopic = record.topic;
      messages = undefined;
      for (const entry of topics) if (entry.topic === record.topic) messages = entry.messages as PartitionedMessages;
      if (messages === undefined) {
        messages = new PartitionedMessages();
        topics.push({ topic: record.topic, messages });
      }
    }
    const list = messages as PartitionedMessages;
    if (asIs) {
      list.push(record as unknown as Message);
      continue;
    }
    list.push({
      key: record.key,
      value: record.value,
      partition: record.partition,
      headers: toKafkajsHeaders(record.headers),
      timestamp: record.timestamp === undefined ? undefined : String(record.timestamp),
    });
  }
  return topics;
}

/** kafkajs sends all records of one partition in one batch, so they got consecutive offsets from baseOffset. */
export function toProducedOffsets(
  metadata: readonly RecordMetadata[],
  records: readonly ProducedRecord[],
): ProducedOffsets[] {
  const counts = new Map<string, number[]>();
  for (const record of records) {
    let perPartition = counts.get(record.topic);
    if (perPartition === undefined) {
      perPartition = [];
      counts.set(record.topic, perPartition);
    }
    perPartition[record.partition] = (perPartition[record.partition] ?? 0) + 1;
  }
  const result: ProducedOffsets[] = [];
  for (const m of metadata) {
    if (m.baseOffset === undefined) continue;
    const count = counts.get(m.topicName)?.[m.partition] ?? 1;
    const baseOffset = Number(m.baseOffset);
    result.push({ topic: m.topicName, partition: m.partition, baseOffset, lastOffset: baseOffset + count - 1 });
  }
  return result;
}

/**
 * The header list in kafkajs' by-key form: the values of a repeated key keep their
 * order (kafkajs cannot interleave keys). kafkajs 2.2.4 throws while sizing a record
 * whose header value is null (Buffer.byteLength(null)), although Kafka allows null
 * values: they are sent as empty values, the closest it can write.
 */
export function toKafkajsHeaders(headers: KafkaHeaders | undefined): IHeaders | undefined {
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

/**
 * kafkajs sends each partition's records of a send as one record batch, which the
 * broker refuses beyond max.message.bytes (1 MiB by default). So sends are cut into
 * chunks of at most 768 KiB (keys, values, headers and each record's framing) and
 * 4000 records: an idempotent producer has one request in flight per broker, so every
 * chunk costs a round trip, and a commit waits for all of them. (Grouping by partition
 * is linear, see PartitionedMessages, so a chunk may be large.)
 */
export const MAX_RECORDS_PER_SEND = 4_000;
export const MAX_BYTES_PER_SEND = 768 * 1024;
/** A record's framing in a v2 batch at most: length, attributes, timestamp and offset deltas, key and value lengths, header count. */
const RECORD_OVERHEAD = 24;

function sizeOf(record: ProducedRecord): number {
  let size = RECORD_OVERHEAD + (record.key?.length ?? 0) + (record.value?.length ?? 0);
  const headers = record.headers;
  if (headers !== undefined) {
    for (let i = 0; i < headers.length; i += 1) {
      const header = headers[i] as KafkaHeader;
      size += 10 + header.key.length * 3 + (header.value?.length ?? 0);
    }
  }
  return size;
}

export function* chunksOf(records: readonly ProducedRecord[]): Generator<readonly ProducedRecord[]> {
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < records.length; i += 1) {
    const record = records[i] as ProducedRecord;
    const size = sizeOf(record);
    if (i > start && (i - start >= MAX_RECORDS_PER_SEND || bytes + size > MAX_BYTES_PER_SEND)) {
      yield records.slice(start, i);
      start = i;
      bytes = 0;
    }
    bytes += size;
  }
  if (start < records.length) yield records.slice(start);
}
