// What a broker refuses in a record, checked before it is sent. kafkajs sends a
// partition's records as one batch and, when the broker refuses one partition of a
// produce request, fails the whole send and rolls back the sequence numbers of every
// partition in it, including those the broker appended: a refused record would break
// the producer for the records around it. So the runtime asks the rules the broker
// applies (its LogValidator) of each output record first, and the production exception
// handler decides what happens to a record that would be refused:
//   - larger than the topic's max.message.bytes, even alone in its batch;
//   - without a key, on a compacted topic;
//   - a CreateTime timestamp outside message.timestamp.before/after.max.ms (or the
//     older message.timestamp.difference.max.ms) of the producer's clock.
import type { KafkaHeader, ProducedRecord } from "../kafka/types.js";

/** The configs of an output topic that decide what its broker refuses. */
export interface TopicWriteRules {
  readonly maxMessageBytes: number;
  readonly compacted: boolean;
  /** CreateTime topics check timestamps; LogAppendTime topics overwrite them. */
  readonly createTime: boolean;
  readonly timestampBeforeMaxMs: number;
  readonly timestampAfterMaxMs: number;
}

/** The topic configs the rules come from. */
export const WRITE_RULE_CONFIGS = [
  "max.message.bytes",
  "cleanup.policy",
  "message.timestamp.type",
  "message.timestamp.before.max.ms",
  "message.timestamp.after.max.ms",
  "message.timestamp.difference.max.ms",
] as const;

/** Kafka's defaults, for a config the broker did not report. */
const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

export function writeRulesOf(configs: ReadonlyMap<string, string>): TopicWriteRules {
  const number = (name: string): number | undefined => {
    const text = configs.get(name);
    const value = text === undefined ? Number.NaN : Number(text);
    return Number.isFinite(value) ? value : undefined;
  };
  const difference = number("message.timestamp.difference.max.ms");
  return {
    maxMessageBytes: number("max.message.bytes") ?? DEFAULT_MAX_MESSAGE_BYTES,
    compacted: (configs.get("cleanup.policy") ?? "delete").split(",").some((policy) => policy.trim() === "compact"),
    createTime: (configs.get("message.timestamp.type") ?? "CreateTime") === "CreateTime",
    timestampBeforeMaxMs: number("message.timestamp.before.max.ms") ?? difference ?? Number.MAX_SAFE_INTEGER,
    timestampAfterMaxMs: number("message.timestamp.after.max.ms") ?? difference ?? Number.MAX_SAFE_INTEGER,
  };
}

export type RefusalReason = "RECORD_TOO_LARGE" | "INVALID_RECORD" | "INVALID_TIMESTAMP";

export interface Refusal {
  readonly reason: RefusalReason;
  readonly message: string;
}

/** Kafka's DefaultRecordBatch.RECORD_BATCH_OVERHEAD: the batch header before the first record. */
export const RECORD_BATCH_OVERHEAD = 61;

/** Why the broker would refuse this record, or undefined when it would take it. */
export function refusalOf(record: ProducedRecord, rules: TopicWriteRules, now: number): Refusal | undefined {
  const batchBytes = RECORD_BATCH_OVERHEAD + recordSizeInBatch(record, 0, 0);
  if (batchBytes > rules.maxMessageBytes) {
    return {
      reason: "RECORD_TOO_LARGE",
      message:
        `The record is ${batchBytes} bytes in its batch, more than the ${rules.maxMessageBytes} that topic ` +
        `"${record.topic}" accepts (max.message.bytes)`,
    };
  }
  if (rules.compacted && record.key === null) {
    return {
      reason: "INVALID_RECORD",
      message: `Topic "${record.topic}" is compacted and refuses a record without a key`,
    };
  }
  const timestamp = record.timestamp ?? now;
  if (rules.createTime) {
    if (now - timestamp > rules.timestampBeforeMaxMs || timestamp - now > rules.timestampAfterMaxMs) {
      return {
        reason: "INVALID_TIMESTAMP",
        message:
          `The record's timestamp ${timestamp} is outside what topic "${record.topic}" accepts around now (${now}): ` +
          `at most ${rules.timestampBeforeMaxMs} ms before and ${rules.timestampAfterMaxMs} ms after ` +
          "(message.timestamp.before.max.ms / after.max.ms)",
      };
    }
  }
  return undefined;
}

/** Kafka's DefaultRecord.sizeInBytes: the record's bytes in a v2 batch, its length prefix included. */
export function recordSizeInBatch(record: ProducedRecord, offsetDelta: number, timestampDelta: number): number {
  let body = 1 + varlongSize(timestampDelta) + varintSize(offsetDelta);
  body += record.key === null ? 1 : varintSize(record.key.length) + record.key.length;
  body += record.value === null ? 1 : varintSize(record.value.length) + record.value.length;
  const headers = record.headers ?? [];
  body += varintSize(headers.length);
  for (let i = 0; i < headers.length; i += 1) {
    const header = headers[i] as KafkaHeader;
    const keyBytes = Buffer.byteLength(header.key, "utf8");
    body += varintSize(keyBytes) + keyBytes;
    body += header.value === null ? 1 : varintSize(header.value.length) + header.value.length;
  }
  return varintSize(body) + body;
}

/** Bytes of a zig-zag varint (Kafka's ByteUtils.sizeOfVarint) of a 32-bit value. */
function varintSize(value: number): number {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  let bytes = 1;
  while (v >= 0x80) {
    v >>>= 7;
    bytes += 1;
  }
  return bytes;
}

/** Bytes of a zig-zag varlong of a value within the safe integers. */
function varlongSize(value: number): number {
  let v = value >= 0 ? BigInt(value) * 2n : -BigInt(value) * 2n - 1n;
  let bytes = 1;
  while (v >= 0x80n) {
    v >>= 7n;
    bytes += 1;
  }
  return bytes;
}
