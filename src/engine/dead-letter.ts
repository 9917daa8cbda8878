// The dead-letter record for input that cannot be processed (undecodable key or value,
// invalid timestamp): the original key, value and headers, unchanged, plus headers
// saying what was wrong and where the record came from, sent to `<applicationId>-dlq`
// in the task's transaction, so that it is committed exactly when the input offset is.
import type { EddyError } from "../errors/eddy-error.js";
import type { Header } from "../topology/headers.js";
import { DeserializationError } from "../serdes/errors.js";
import { deadLetterTopicName } from "../topology/topology.js";
import type { ConsumedRecord } from "./consumed-record.js";
import type { ProducedRecord } from "./record-collector.js";
import type { RecordMetadata } from "../topology/record.js";

export const DeadLetterHeaders = {
  errorCode: "eddy-dlq-error-code",
  errorMessage: "eddy-dlq-error-message",
  /** "key" or "value", when a serde failed. */
  part: "eddy-dlq-part",
  topic: "eddy-dlq-topic",
  partition: "eddy-dlq-partition",
  offset: "eddy-dlq-offset",
  /** An undecodable record batch: its last offset (eddy-dlq-offset is its first). */
  lastOffset: "eddy-dlq-last-offset",
  taskId: "eddy-dlq-task",
  /** A refused output record: the topic and partition it was written to. */
  targetTopic: "eddy-dlq-target-topic",
  targetPartition: "eddy-dlq-target-partition",
  /** A refused output record too large to copy: its key and value sizes (the record itself is left out). */
  keySize: "eddy-dlq-key-size",
  valueSize: "eddy-dlq-value-size",
} as const;

export function deadLetterRecord(
  applicationId: string,
  taskId: string,
  record: ConsumedRecord,
  error: EddyError,
  now: number,
): ProducedRecord {
  const text = (key: string, value: string): Header => ({ key, value: Buffer.from(value, "utf8") });
  const headers: Header[] = [
    ...record.headers,
    text(DeadLetterHeaders.errorCode, error.code),
    text(DeadLetterHeaders.errorMessage, error.message),
    text(DeadLetterHeaders.topic, record.topic),
    text(DeadLetterHeaders.partition, String(record.partition)),
    text(DeadLetterHeaders.offset, String(record.offset)),
    text(DeadLetterHeaders.taskId, taskId),
  ];
  if (error instanceof DeserializationError && error.context.part !== undefined) {
    headers.push(text(DeadLetterHeaders.part, error.context.part));
  }
  return {
    topic: deadLetterTopicName(applicationId),
    partition: undefined,
    key: record.key,
    value: record.value,
    headers,
    // A producer refuses a negative timestamp: keep the original when it is valid.
    timestamp: Number.isFinite(record.timestamp) && record.timestamp >= 0 ? record.timestamp : now,
  };
}

/**
 * The dead-letter record for a record batch no consumer can read: the batch's bytes as
 * stored (value), its first and last offsets, and why it cannot be read.
 */
export function undecodableBatchDeadLetter(
  applicationId: string,
  taskId: string,
  batch: ConsumedRecord & { readonly baseOffset: number; readonly lastOffset: number },
  error: EddyError,
  now: number,
): ProducedRecord {
  const letter = deadLetterRecord(applicationId, taskId, { ...batch, offset: batch.baseOffset }, error, now);
  return {
    ...letter,
    headers: [...letter.headers, { key: DeadLetterHeaders.lastOffset, value: Buffer.from(String(batch.lastOffset)) }],
  };
}

/**
 * The dead-letter record for an output record its topic refuses (productionExceptionHandler
 * "continue"): its key, value and headers unchanged, plus where it was going and the input
 * record that produced it. A record refused for its size is left out (it would not fit
 * the dead-letter topic either): its key and value sizes are given instead.
 */
export function refusedRecordDeadLetter(
  applicationId: string,
  taskId: string,
  refused: ProducedRecord & { readonly partition: number },
  source: RecordMetadata | undefined,
  error: EddyError,
  keepPayload: boolean,
  now: number,
): ProducedRecord {
  const text = (key: string, value: string): Header => ({ key, value: Buffer.from(value, "utf8") });
  const headers: Header[] = [
    ...(keepPayload ? refused.headers : []),
    text(DeadLetterHeaders.errorCode, error.code),
    text(DeadLetterHeaders.errorMessage, error.message),
    text(DeadLetterHeaders.targetTopic, refused.topic),
    text(DeadLetterHeaders.targetPartition, String(refused.partition)),
    text(DeadLetterHeaders.taskId, taskId),
  ];
  if (source !== undefined) {
    headers.push(
      text(DeadLetterHeaders.topic, source.topic),
      text(DeadLetterHeaders.partition, String(source.partition)),
      text(DeadLetterHeaders.offset, String(source.offset)),
    );
  }
  if (!keepPayload) {
    headers.push(
      text(DeadLetterHeaders.keySize, String(refused.key?.length ?? -1)),
      text(DeadLetterHeaders.valueSize, String(refused.value?.length ?? -1)),
    );
  }
  return {
    topic: deadLetterTopicName(applicationId),
    partition: undefined,
    key: keepPayload ? refused.key : null,
    value: keepPayload ? refused.value : null,
    headers,
    // A refused timestamp would be refused again: the dead letter is stamped now.
    timestamp: now,
  };
}
