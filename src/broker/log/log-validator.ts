// Checks a partition's records from a Produce request before anything is appended, as
// Kafka's LogValidator does: exactly one v2 batch at base offset 0, its length, CRC, offset
// range and record count consistent, no control batch from a client, size within
// max.message.bytes, a sequence on every batch with a producer id; then its records, one by
// one (record-validator.ts): they parse and tile the batch, carry a key on compacted topics,
// and CreateTime timestamps within message.timestamp.before/after.max.ms.
//
// A compressed batch is decompressed for that on every topic, as Kafka does, and stored as the
// producer sent it (the broker never recompresses). A payload that does not decompress gets
// what Kafka answers, UNKNOWN_SERVER_ERROR (its decompressing stream throws a KafkaException
// that Produce maps to -1). Decompression stops at max.message.bytes: Kafka bounds only the
// compressed size, but this broker runs on one thread, so a small batch that inflates to
// gigabytes (a compression bomb) is refused with MESSAGE_TOO_LARGE, having cost at most that
// much memory and time; Java producers split a batch refused so, and librdkafka never builds
// one larger than message.max.bytes uncompressed. zstd is opened where Node's zlib has it
// (src/bytes/compression.ts); elsewhere a zstd batch is checked through its header only.
import { ErrorCode } from "../protocol/error-codes.js";
import { CorruptCompressedDataError, DecompressedTooLargeError, decompress } from "../../bytes/compression.js";
import {
  BATCH_OVERHEAD,
  Compression,
  LOG_OVERHEAD,
  compressionOf,
  computeCrc,
  isControl,
  readBatchHeader,
  type BatchHeader,
} from "../protocol/record-batch.js";
import type { LogConfig } from "./log-config.js";
import { validateRecords } from "./record-validator.js";

export type ValidationResult = { ok: true; header: BatchHeader } | { ok: false; errorCode: ErrorCode; message: string };

function reject(errorCode: ErrorCode, message: string): ValidationResult {
  return { ok: false, errorCode, message };
}

export function validateProducedBatch(
  records: Buffer | null,
  config: LogConfig,
  produceVersion: number,
  now: number,
): ValidationResult {
  if (records === null || records.length === 0) {
    return reject(ErrorCode.INVALID_RECORD, "produce requests must have at least one record batch per partition");
  }
  if (records.length < BATCH_OVERHEAD) {
    return reject(ErrorCode.CORRUPT_MESSAGE, `record batch of ${records.length} bytes is shorter than its header`);
  }
  const magic = records.readInt8(16);
  if (magic !== 2) {
    return reject(
      ErrorCode.INVALID_RECORD,
      `produce v${produceVersion} requires record batches with magic 2, got magic ${magic}`,
    );
  }
  const header = readBatchHeader(records, 0);
  if (header.size < BATCH_OVERHEAD || header.size > records.length) {
    return reject(
      ErrorCode.CORRUPT_MESSAGE,
      `record batch length ${header.size - LOG_OVERHEAD} does not match the ${records.length} bytes sent`,
    );
  }
  if (header.size < records.length) {
    return reject(ErrorCode.INVALID_RECORD, `produce v${produceVersion} allows exactly one record batch per partition`);
  }
  if (header.baseOffset !== 0) {
    return reject(
      ErrorCode.INVALID_RECORD,
      `the base offset of a produced record batch must be 0, but it is ${header.baseOffset}`,
    );
  }
  if (header.size > config.maxMessageBytes) {
    return reject(
      ErrorCode.MESSAGE_TOO_LARGE,
      `record batch of ${header.size} bytes exceeds max.message.bytes ${config.maxMessageBytes}`,
    );
  }
  if (computeCrc(records) !== header.crc) {
    return reject(ErrorCode.CORRUPT_MESSAGE, "record batch CRC does not match its contents");
  }
  if (isControl(header.attributes)) {
    return reject(ErrorCode.INVALID_RECORD, "clients are not allowed to write control records");
  }
  if (header.producerId >= 0 && header.baseSequence < 0) {
    return reject(
      ErrorCode.INVALID_RECORD,
      `invalid sequence number ${header.baseSequence} in a batch of producer ${header.producerId}`,
    );
  }
  if (header.recordCount <= 0 || header.lastOffsetDelta + 1 !== header.recordCount) {
    return reject(
      ErrorCode.INVALID_RECORD,
      `record batch reports ${header.recordCount} records but an offset range of ${header.lastOffsetDelta + 1}`,
    );
  }
  const compression = compressionOf(header.attributes);
  if (compression > Compression.ZSTD) {
    // Kafka's CompressionType.forId throws outside its error mapping: the client sees -1.
    return reject(ErrorCode.UNKNOWN_SERVER_ERROR, `unknown compression codec ${compression}`);
  }
  if (compression === Compression.ZSTD && produceVersion < 7) {
    return reject(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, "zstd batches require produce v7 or later");
  }
  const rules = { compacted: config.cleanupPolicy.compact, config, now };
  if (compression === Compression.NONE) {
    const problem = validateRecords(records, BATCH_OVERHEAD, header, false, rules);
    return problem === null ? { ok: true, header } : reject(problem.errorCode, problem.message);
  }
  let bytes: Buffer | null;
  try {
    bytes = decompress(compression, records.subarray(BATCH_OVERHEAD), config.maxMessageBytes);
  } catch (error) {
    if (error instanceof DecompressedTooLargeError) {
      return reject(
        ErrorCode.MESSAGE_TOO_LARGE,
        `compressed record batch decompresses to more than max.message.bytes ${config.maxMessageBytes}`,
      );
    }
    if (error instanceof CorruptCompressedDataError) {
      // Kafka's decompressing stream fails with a KafkaException, which Produce answers as -1.
      return reject(ErrorCode.UNKNOWN_SERVER_ERROR, `compressed record batch does not decompress: ${error.message}`);
    }
    throw error;
  }
  if (bytes === null) {
    // zstd without zlib support: only the header's timestamps can be checked.
    const problem = checkHeaderTimestamps(header, config, now);
    return problem === null ? { ok: true, header } : reject(ErrorCode.INVALID_TIMESTAMP, problem);
  }
  const problem = validateRecords(bytes, 0, header, true, rules);
  if (problem !== null) return reject(problem.errorCode, problem.message);
  return { ok: true, header };
}

/** The batch's first and max timestamps against message.timestamp.before/after.max.ms (batches that cannot be opened). */
function checkHeaderTimestamps(header: BatchHeader, config: LogConfig, now: number): string | null {
  if (config.messageTimestampType !== "CreateTime") return null;
  for (const timestamp of [header.baseTimestamp, header.maxTimestamp]) {
    if (
      timestamp >= 0 &&
      (now - timestamp > config.messageTimestampBeforeMaxMs || timestamp - now > config.messageTimestampAfterMaxMs)
    ) {
      return `timestamp ${timestamp} is out of range: at most ${config.messageTimestampBeforeMaxMs} ms before and ${config.messageTimestampAfterMaxMs} ms after the broker's time ${now}`;
    }
  }
  return null;
}
