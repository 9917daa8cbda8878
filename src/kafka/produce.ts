// Shared by both producers: records in the runtime's shape to kafkajs messages, and
// kafkajs' per-partition answers back to the offsets the records got.
import type { ICustomPartitioner, IHeaders, Message, RecordMetadata, TopicMessages } from "kafkajs";
import type { KafkaHeaders, ProducedOffsets, ProducedRecord } from "./types.js";
import { topicPartitionKey } from "./types.js";

/**
 * Every record carries its partition, computed by the runtime with the Java-compatible
 * murmur2 partitioner over the key's serialized bytes; kafkajs must not re-partition.
 */
export const explicitPartitioner: ICustomPartitioner = () => ({ message }) => {
  if (message.partition === undefined) throw new Error("Eddy sends every record with an explicit partition");
  return message.partition;
};

/**
 * Groups records by topic for kafkajs. With `asIs` (a client with the fast Produce
 * encoder, see fast-produce.ts) the records themselves travel as kafkajs messages, with
 * no object made per record; otherwise they are converted to kafkajs' message shape.
 */
export function toKafkajsTopicMessages(records: readonly ProducedRecord[], asIs = false): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const record of records) {
    let messages = byTopic.get(record.topic);
    if (!messages) {
      messages = [];
      byTopic.set(record.topic, messages);
    }
    if (asIs) {
      messages.push(record as unknown as Message);
      continue;
    }
    messages.push({
      key: record.key,
      value: record.value,
      partition: record.partition,
      headers: toKafkajsHeaders(record.headers),
      timestamp: record.timestamp === undefined ? undefined : String(record.timestamp),
    });
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

/** kafkajs sends all records of one partition in one batch, so they got consecutive offsets from baseOffset. */
export function toProducedOffsets(metadata: readonly RecordMetadata[], records: readonly ProducedRecord[]): ProducedOffsets[] {
  const counts = new Map<string, number>();
  for (const record of records) {
    const key = topicPartitionKey(record);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const result: ProducedOffsets[] = [];
  for (const m of metadata) {
    if (m.baseOffset === undefined) continue;
    const count = counts.get(topicPartitionKey({ topic: m.topicName, partition: m.partition })) ?? 1;
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
 * broker refuses beyond max.message.bytes (1 MiB by default), and groups a send's
 * records per partition by copying the partition's list for every record (quadratic).
 * So sends are cut into chunks of at most 500 records and 768 KiB of keys and values:
 * a compromise, since an idempotent producer has one request in flight per broker, so
 * every chunk costs a round trip, and a commit waits for all of them.
 */
export const MAX_RECORDS_PER_SEND = 500;
export const MAX_BYTES_PER_SEND = 768 * 1024;

export function* chunksOf(records: readonly ProducedRecord[]): Generator<readonly ProducedRecord[]> {
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < records.length; i += 1) {
    const record = records[i] as ProducedRecord;
    const size = (record.key?.length ?? 0) + (record.value?.length ?? 0);
    if (i > start && (i - start >= MAX_RECORDS_PER_SEND || bytes + size > MAX_BYTES_PER_SEND)) {
      yield records.slice(start, i);
      start = i;
      bytes = 0;
    }
    bytes += size;
  }
  if (start < records.length) yield records.slice(start);
}
