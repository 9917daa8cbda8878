// The records of a produced batch, checked one by one as Kafka's LogValidator does before it
// assigns offsets (validateRecord, and the parsing of DefaultRecord and DefaultRecordBatch's
// iterators that runs under it), for uncompressed batches and for the decompressed bytes of
// compressed ones alike:
//  - every record parses and the declared count tiles the bytes exactly, else INVALID_RECORD
//    (Kafka's InvalidRecordException: "premature EOF", "records still remaining", "invalid
//    record size", ...);
//  - on compacted topics every record has a key, else INVALID_RECORD;
//  - CreateTime records (timestamp -1 aside) lie within message.timestamp.before/after.max.ms
//    of the broker's clock, else INVALID_TIMESTAMP; a LogAppendTime batch from a producer is
//    INVALID_TIMESTAMP unless the topic checks its (then broker-like) timestamp as CreateTime;
//  - record errors are collected over the whole batch, and any timestamp error wins over key
//    errors, as in Kafka's processRecordErrors.
// Two answers reproduce what Kafka does by accident, so that clients see the same codes: an
// over-long varint in an uncompressed record's length escapes Kafka's parser as an
// IllegalArgumentException (UNKNOWN_SERVER_ERROR), and inner offsets of a compressed batch that
// do not run 0..n-1 send Kafka into rebuilding the batch from records it parsed without keys,
// which fails the same way. Kafka does not look at the offset deltas of an uncompressed batch.
import { ErrorCode } from "../protocol/error-codes.js";
import { Attributes, type BatchHeader } from "../protocol/record-batch.js";
import type { LogConfig } from "./log-config.js";

export interface RecordProblem {
  errorCode: ErrorCode;
  message: string;
}

class RecordStructureError extends Error {
  constructor(
    message: string,
    readonly errorCode: ErrorCode = ErrorCode.INVALID_RECORD,
  ) {
    super(message);
  }
}

const EOF = "premature EOF reached";

/** A read position over record bytes; every read past `end` is a RecordStructureError. */
class RecordReader {
  at: number;
  end: number;

  constructor(
    readonly bytes: Buffer,
    start: number,
  ) {
    this.at = start;
    this.end = bytes.length;
  }

  /** Kafka's ByteUtils.readVarint: at most 5 bytes, 32-bit wrap-around, zigzag. */
  varint(): number {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      if (this.at >= this.end) throw new RecordStructureError(EOF);
      const b = this.bytes[this.at++]!;
      if ((b & 0x80) === 0) {
        value |= b << shift;
        return (value >>> 1) ^ -(value & 1);
      }
      value |= (b & 0x7f) << shift;
      if (shift === 28) throw new RecordStructureError("varint is too long");
    }
  }

  /** Kafka's readVarlong: at most 10 bytes, zigzag (exact up to 2^53, which every real delta is). */
  varlong(): number {
    let raw = 0;
    let multiplier = 1;
    for (let i = 0; i < 10; i++) {
      if (this.at >= this.end) throw new RecordStructureError(EOF);
      const b = this.bytes[this.at++]!;
      raw += (b & 0x7f) * multiplier;
      if ((b & 0x80) === 0) return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
      multiplier *= 128;
    }
    throw new RecordStructureError("varlong is too long");
  }

  skip(length: number): void {
    if (length > this.end - this.at) throw new RecordStructureError(EOF);
    this.at += length;
  }
}

export interface RecordRules {
  compacted: boolean;
  config: LogConfig;
  now: number;
}

/**
 * Checks the `header.recordCount` records in `bytes` from `start` (the batch's own bytes after
 * its header, or its decompressed payload). Returns null when Kafka would accept them.
 */
export function validateRecords(
  bytes: Buffer,
  start: number,
  header: BatchHeader,
  compressed: boolean,
  rules: RecordRules,
): RecordProblem | null {
  const reader = new RecordReader(bytes, start);
  const count = header.recordCount;
  const createTime = rules.config.messageTimestampType === "CreateTime";
  const logAppendTimeBatch = (header.attributes & Attributes.TIMESTAMP_LOG_APPEND) !== 0;
  const earliest = rules.now - rules.config.messageTimestampBeforeMaxMs;
  const latest = rules.now + rules.config.messageTimestampAfterMaxMs;
  let keyError: string | null = null;
  let timestampError: string | null = null;
  try {
    for (let i = 0; i < count; i++) {
      reader.end = bytes.length;
      const length = readRecordLength(reader, compressed);
      if (length > reader.end - reader.at) {
        throw new RecordStructureError(
          `invalid record size: expected ${length} bytes in record payload, but only ${reader.end - reader.at} remain`,
        );
      }
      const recordEnd = reader.at + length;
      reader.end = recordEnd;
      reader.skip(1); // attributes: unused in v2
      const timestampDelta = reader.varlong();
      const offsetDelta = reader.varint();
      if (compressed && offsetDelta !== i) {
        throw new RecordStructureError(
          `inner record ${i} of a compressed batch has offset delta ${offsetDelta}: Kafka fails rebuilding such a batch`,
          ErrorCode.UNKNOWN_SERVER_ERROR,
        );
      }
      const keyLength = reader.varint();
      if (keyLength >= 0) reader.skip(keyLength);
      const valueLength = reader.varint();
      if (valueLength >= 0) reader.skip(valueLength);
      const headers = reader.varint();
      if (headers < 0) throw new RecordStructureError(`invalid number of record headers ${headers}`);
      if (headers > reader.end - reader.at) throw new RecordStructureError(`${headers} record headers cannot fit`);
      for (let h = 0; h < headers; h++) {
        const headerKeyLength = reader.varint();
        if (headerKeyLength < 0) throw new RecordStructureError(`invalid negative header key size ${headerKeyLength}`);
        reader.skip(headerKeyLength);
        const headerValueLength = reader.varint();
        if (headerValueLength >= 0) reader.skip(headerValueLength);
      }
      if (reader.at !== recordEnd) {
        throw new RecordStructureError(
          `invalid record size: expected to read ${length} bytes in record payload, but instead read ${length - (recordEnd - reader.at)}`,
        );
      }
      if (rules.compacted && keyLength < 0) {
        keyError ??= `record ${i}: a compacted topic cannot accept a record without a key`;
        continue;
      }
      const timestamp = logAppendTimeBatch ? header.maxTimestamp : header.baseTimestamp + timestampDelta;
      if (createTime && timestamp !== -1) {
        if (timestamp < earliest || timestamp > latest) {
          timestampError ??= `record ${i}: timestamp ${timestamp} is out of range [${earliest}, ${latest}]`;
        }
      } else if (logAppendTimeBatch) {
        timestampError ??= `record ${i}: producers must not set the timestamp type to LogAppendTime`;
      }
    }
    reader.end = bytes.length;
    if (reader.at !== bytes.length) {
      throw new RecordStructureError(
        `${bytes.length - reader.at} bytes remain after the ${count} records the batch declares`,
      );
    }
  } catch (error) {
    if (!(error instanceof RecordStructureError)) throw error;
    return { errorCode: error.errorCode, message: `malformed record batch: ${error.message}` };
  }
  if (timestampError !== null) return { errorCode: ErrorCode.INVALID_TIMESTAMP, message: timestampError };
  if (keyError !== null) return { errorCode: ErrorCode.INVALID_RECORD, message: keyError };
  return null;
}

/** A record's length varint; uncompressed, an over-long one escapes Kafka's parser (see the top). */
function readRecordLength(reader: RecordReader, compressed: boolean): number {
  try {
    return reader.varint();
  } catch (error) {
    if (!compressed && error instanceof RecordStructureError && error.message !== EOF) {
      throw new RecordStructureError(`record length: ${error.message}`, ErrorCode.UNKNOWN_SERVER_ERROR);
    }
    throw error;
  }
}
