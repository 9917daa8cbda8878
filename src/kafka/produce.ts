// Shared by both producers: the partitioner that keeps the runtime's partitions, sends cut
// to what one request may carry, and kafkajs' per-partition answers back to the offsets the
// records got. (The records become kafkajs messages in kafkajs/topic-messages.ts.)
import type { ICustomPartitioner, RecordMetadata } from "kafkajs";
import type { KafkaHeader, ProducedOffsets, ProducedRecord } from "./types.js";
import { DeliveryTimeoutError } from "./errors.js";

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

/** kafkajs sends all records of one partition in one batch, so they got consecutive offsets from baseOffset. */
export function toProducedOffsets(
  metadata: readonly RecordMetadata[],
  records: readonly ProducedRecord[],
): ProducedOffsets[] {
  return producedOffsetsOf(metadata, records).offsets;
}

/** toProducedOffsets, and how many partitions the records went to (each should have its answer). */
function producedOffsetsOf(
  metadata: readonly RecordMetadata[],
  records: readonly ProducedRecord[],
): { offsets: ProducedOffsets[]; partitions: number } {
  const counts = new Map<string, number[]>();
  let partitions = 0;
  // A send's records come in runs of one topic (a task's sink records, then its changelog's).
  let lastTopic: string | undefined;
  let perPartition: number[] = [];
  for (let i = 0; i < records.length; i += 1) {
    const record = records[i] as ProducedRecord;
    if (record.topic !== lastTopic) {
      lastTopic = record.topic;
      perPartition = counts.get(lastTopic) ?? [];
      counts.set(lastTopic, perPartition);
    }
    const count = perPartition[record.partition];
    if (count === undefined) partitions += 1;
    perPartition[record.partition] = (count ?? 0) + 1;
  }
  const offsets: ProducedOffsets[] = [];
  for (const m of metadata) {
    if (m.baseOffset === undefined) continue;
    const count = counts.get(m.topicName)?.[m.partition] ?? 1;
    const baseOffset = Number(m.baseOffset);
    offsets.push({ topic: m.topicName, partition: m.partition, baseOffset, lastOffset: baseOffset + count - 1 });
  }
  return { offsets, partitions };
}

/**
 * A send that resolved without writing some of its partitions: kafkajs retried it and sent
 * nothing to a broker that had answered the first attempt, though a partition's leadership
 * had moved there (sendTogether). Retriable: the transaction aborts and the records are
 * processed again.
 */
export class UnansweredPartitionsError extends Error {
  readonly retriable = true;
  constructor(answered: number, partitions: number) {
    super(
      `a send resolved with answers for ${answered} of its ${partitions} partitions; its records were not all written`,
    );
    this.name = "EddyUnansweredPartitions";
  }
}

/**
 * kafkajs sends each partition's records of a send as one record batch, which the
 * broker refuses beyond max.message.bytes (1 MiB by default). So sends are cut into
 * chunks of at most 768 KiB (keys, values, headers and each record's framing) and
 * 4000 records: an idempotent producer has one request in flight per broker, so every
 * chunk costs a round trip, and a commit waits for all of them. (Grouping by partition
 * is linear, see kafkajs/partitioned-messages.ts, so a chunk may be large.)
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

/** Kafka's DefaultRecordBatch.RECORD_BATCH_OVERHEAD: the batch header before the first record. */
const BATCH_OVERHEAD = 61;

/**
 * Cuts a send into chunks kafkajs sends one request each. `maxBatchBytes` gives a
 * topic's max.message.bytes when the caller knows it: no partition's batch in a chunk
 * goes beyond it, so a topic configured smaller than the chunk size still takes them.
 */
export function* chunksOf(
  records: readonly ProducedRecord[],
  maxBatchBytes?: (topic: string) => number,
): Generator<readonly ProducedRecord[]> {
  let start = 0;
  let bytes = 0;
  // Each partition's batch bytes in the chunk, by topic then partition (no string made per record).
  const batches = maxBatchBytes === undefined ? undefined : new Map<string, number[]>();
  // The topic of the record before, its batches and its limit: records come in runs of one topic.
  let lastTopic: string | undefined;
  let perPartition: number[] = [];
  let maxBytes = Number.POSITIVE_INFINITY;
  for (let i = 0; i < records.length; i += 1) {
    const record = records[i] as ProducedRecord;
    const size = sizeOf(record);
    let batchBytes = 0;
    let batchFull = false;
    if (batches !== undefined) {
      if (record.topic !== lastTopic) {
        lastTopic = record.topic;
        maxBytes = (maxBatchBytes as (topic: string) => number)(lastTopic);
        perPartition = batches.get(lastTopic) ?? [];
        batches.set(lastTopic, perPartition);
      }
      batchBytes = (perPartition[record.partition] ?? BATCH_OVERHEAD) + size;
      batchFull = batchBytes > maxBytes;
    }
    if (i > start && (i - start >= MAX_RECORDS_PER_SEND || bytes + size > MAX_BYTES_PER_SEND || batchFull)) {
      yield records.slice(start, i);
      start = i;
      bytes = 0;
      if (batches !== undefined) {
        batches.clear();
        perPartition = [];
        batches.set(record.topic, perPartition);
      }
      batchBytes = BATCH_OVERHEAD + size;
    }
    bytes += size;
    if (batches !== undefined) perPartition[record.partition] = batchBytes;
  }
  if (start < records.length) yield records.slice(start);
}

/** Kafka's delivery.timeout.ms default: how long a producer keeps retrying records before it fails them. */
export const DEFAULT_DELIVERY_TIMEOUT_MS = 120_000;
const MAX_RETRY_WAIT_MS = 5_000;

/**
 * kafkajs' retries of one send. A producer retries a retriable refusal until the delivery
 * timeout fails the send (acknowledgedWithin); the count only makes kafkajs' own loop end
 * soon after that, instead of retrying in the background forever.
 */
export function sendRetry(deliveryTimeoutMs: number): {
  retries: number;
  initialRetryTime: number;
  maxRetryTime: number;
} {
  return {
    retries: Math.ceil(deliveryTimeoutMs / MAX_RETRY_WAIT_MS) + 6,
    initialRetryTime: 100,
    maxRetryTime: MAX_RETRY_WAIT_MS,
  };
}

/** The send's answer, or a DeliveryTimeoutError once `timeoutMs` passed without one. */
export function acknowledgedWithin<T>(
  send: Promise<T>,
  records: readonly ProducedRecord[],
  timeoutMs: number,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DeliveryTimeoutError([...new Set(records.map((r) => r.topic))], timeoutMs)),
      timeoutMs,
    );
  });
  // The send may still fail after the timeout did: that failure is already reported.
  send.catch(() => undefined);
  return Promise.race([send, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Sends `records` one partition per kafkajs send: each partition's chunks in order, the
 * partitions side by side. kafkajs' sendBatch is only safe for records of one partition.
 * A send spanning several leaders retries after a failure by regrouping the records under
 * the leaders it then knows, but skips every broker that answered an earlier attempt: the
 * records of a partition whose leadership moved to such a broker are never sent, and the
 * send succeeds (a transaction then commits without them, its offsets with it). And a
 * retry started while another broker's request is still in flight sends that request's
 * records again under new sequence numbers, which the broker cannot tell from new
 * records (duplicates). With one partition per send there is one request per attempt,
 * and a retry sends the same sequence numbers again, which the broker deduplicates.
 * Every send is settled before a failure is thrown: nothing is still in flight when the
 * caller aborts the transaction.
 */
export async function sendByPartition(
  records: readonly ProducedRecord[],
  maxBatchBytes: ((topic: string) => number) | undefined,
  send: (chunk: readonly ProducedRecord[]) => Promise<RecordMetadata[]>,
): Promise<ProducedOffsets[]> {
  const partitions = new Map<string, ProducedRecord[]>();
  for (const record of records) {
    const key = `${record.topic}|${record.partition}`;
    let list = partitions.get(key);
    if (list === undefined) {
      list = [];
      partitions.set(key, list);
    }
    list.push(record);
  }
  const sent = await Promise.allSettled(
    [...partitions.values()].map(async (partitionRecords) => {
      const produced: ProducedOffsets[] = [];
      for (const chunk of chunksOf(partitionRecords, maxBatchBytes))
        produced.push(...toProducedOffsets(await send(chunk), chunk));
      return produced;
    }),
  );
  const failed = sent.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed !== undefined) throw failed.reason;
  return sent.flatMap((s) => (s.status === "fulfilled" ? s.value : []));
}

/** What sendTogether needs to know of the producer's Produce requests (kafkajs/produce-ledger.ts). */
export interface ProduceAttempts {
  begin(): void;
  settled(): Promise<void>;
  readonly answered: number;
  /** The attempt's first failed request, if any (what the send's own error may hide). */
  readonly failure: unknown;
}

/**
 * Sends `records` of every partition together, each chunk in one kafkajs send (one Produce
 * request per leader, the way Kafka's producer batches), for a producer whose kafkajs retry
 * cannot send anything once a request failed (kafkajs/produce-ledger.ts): a commit touching 12 partitions costs one request instead of 12 in a row. A failed
 * attempt is retried here, after `retryMs` doubling up to 5 s, while the error is retriable,
 * once every request of the attempt has settled, and only if none of them was answered: then
 * no record of it was written under sequence numbers kafkajs did not give back, and sending
 * them again cannot duplicate any. An attempt that wrote some partitions and failed others
 * (leaders on several brokers, one of them failing) is not retried: its error dooms the
 * transaction, which aborts. Retries stop after `giveUpAfterMs` (the delivery timeout).
 */
export async function sendTogether(
  records: readonly ProducedRecord[],
  maxBatchBytes: ((topic: string) => number) | undefined,
  send: (chunk: readonly ProducedRecord[]) => Promise<RecordMetadata[]>,
  attempts: ProduceAttempts,
  options: { retryMs: number; isRetriable: (error: unknown) => boolean; giveUpAfterMs: number },
): Promise<ProducedOffsets[]> {
  const produced: ProducedOffsets[] = [];
  const giveUpAt = Date.now() + options.giveUpAfterMs;
  for (const chunk of chunksOf(records, maxBatchBytes)) {
    let delay = options.retryMs;
    for (;;) {
      attempts.begin();
      let sent: { offsets: ProducedOffsets[]; partitions: number };
      try {
        sent = producedOffsetsOf(await send(chunk), chunk);
      } catch (error) {
        await attempts.settled();
        const cause = attempts.failure ?? error;
        if (attempts.answered > 0 || !options.isRetriable(cause) || Date.now() >= giveUpAt) throw cause;
        await new Promise((resolve) => setTimeout(resolve, Math.round(delay * (0.8 + Math.random() * 0.4))));
        delay = Math.min(delay * 2, MAX_RETRY_WAIT_MS);
        continue;
      }
      // kafkajs' one retry regroups the records under the leaders it then knows and sends
      // nothing to a broker that answered the first attempt: a partition whose leader moved
      // there (a frozen or killed leader replaced) is never sent, and the send resolves. A
      // request of the attempt failed, or a partition got no answer: the send failed, and as
      // others were written, the transaction must abort rather than commit without them.
      if (attempts.failure !== undefined || sent.offsets.length < sent.partitions) {
        await attempts.settled();
        throw attempts.failure ?? new UnansweredPartitionsError(sent.offsets.length, sent.partitions);
      }
      produced.push(...sent.offsets);
      break;
    }
  }
  return produced;
}
